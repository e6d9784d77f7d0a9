// libFuzzer target: the request line and headers as the server reads them — routing against
// every route of the API (taken from the embedded OpenAPI document), path parameters, query
// parameters, cookies, the client address behind proxies and the request id.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "api/cookies.hpp"
#include "api/openapi.hpp"
#include "http/client_ip.hpp"
#include "http/middleware.hpp"
#include "http/router.hpp"

namespace gatehouse {
namespace {

const Router& TheRouter() {
  static const Router router = [] {
    Router r;
    auto doc = nlohmann::json::parse(OpenApiDocument());
    for (const auto& [path, operations] : doc["paths"].items()) {
      for (const auto& [method, operation] : operations.items()) {
        std::string upper = method;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        r.Add(upper, path, [](const Request&, const PathParams&) { return Response::NoContent(); });
      }
    }
    return r;
  }();
  return router;
}

}  // namespace
}  // namespace gatehouse

// Input: "<method> <target>\n<header value>\n<header value>..." (any bytes).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;
  static const TrustedProxies proxies("10.0.0.0/8, 2001:db8::/32, 127.0.0.1/32");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto line_end = input.find('\n');
  std::string_view line = input.substr(0, line_end);
  std::string_view rest = line_end == std::string_view::npos ? "" : input.substr(line_end + 1);
  auto space = line.find(' ');
  Request request;
  request.method = std::string(line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? "" : line.substr(space + 1);
  auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers = {{"cookie", std::string(rest)},
                     {"x-forwarded-for", std::string(rest)},
                     {"forwarded", std::string(rest)}};

  Router::Match match = TheRouter().Find(request.method, request.path);
  if (match.outcome == Router::Outcome::kFound) (void)match.route->handler(request, match.params);
  for (std::string_view name : {"except_current", "", "a"}) (void)request.QueryParam(name);
  (void)CookieValue(request, kAccessCookie);
  (void)CookieValue(request, kCsrfCookie);
  (void)ClientIp("127.0.0.1", rest, rest, proxies);
  (void)ClientIp(std::string(line), rest, rest, proxies);
  (void)ParseIp(line);
  (void)RequestIdFor(rest);
  (void)OriginOf(target);
  return 0;
}
