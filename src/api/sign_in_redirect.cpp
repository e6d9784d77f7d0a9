#include "api/sign_in_redirect.hpp"

#include "config/config.hpp"
#include "core/form_encoding.hpp"
#include "ui/return_to.hpp"

namespace gatehouse {

std::optional<Response> SignInRedirect(const Services& s, const Request& request,
                                       const Response& refusal) {
  if (!s.config.ui.enabled || !request.from_trusted_proxy || !s.return_urls) return std::nullopt;
  if (request.Header("accept").find("text/html") == std::string_view::npos) return std::nullopt;
  std::string original(request.Header("x-original-url"));
  bool nginx = !original.empty();
  if (!nginx) {
    std::string_view proto = request.Header("x-forwarded-proto");
    std::string_view host = request.Header("x-forwarded-host");
    std::string_view uri = request.Header("x-forwarded-uri");
    if (proto.empty() || host.empty() || uri.empty()) return std::nullopt;
    original = std::string(proto) + "://" + std::string(host) + std::string(uri);
  }
  auto allowed = s.return_urls->Resolve(original);
  if (!allowed) return std::nullopt;
  Response response = refusal;
  response.status = nginx ? 401 : 302;
  response.SetHeader("Location",
                     s.config.server.public_url + "/sign-in?return_to=" + PercentEncode(*allowed));
  return response;
}

}  // namespace gatehouse
