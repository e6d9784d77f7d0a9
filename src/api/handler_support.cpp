#include "api/handler_support.hpp"

#include "api/cookies.hpp"
#include "auth/session_service.hpp"
#include "config/config.hpp"

#include <strings.h>

#include <charconv>
#include <nlohmann/json.hpp>

namespace gatehouse {

Result<std::string_view> AccessTokenOf(const Request& request, Services& services) {
  std::string_view header = request.Header("authorization");
  constexpr std::string_view kScheme = "bearer ";
  std::string_view token;
  if (header.size() > kScheme.size() &&
      strncasecmp(header.data(), kScheme.data(), kScheme.size()) == 0) {
    token = header.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  } else if (header.empty() && services.config.cookies.enabled) {
    token = CookieValue(request, kAccessCookie);
    if (!token.empty()) {
      if (Status csrf = RequireCsrf(request, services); !csrf) return csrf.error();
    }
  }
  if (token.empty()) {
    return MakeError(Errc::kInvalidToken, "no bearer token",
                     "An access token is required (Authorization: Bearer).");
  }
  return token;
}

Result<AccessContext> Authenticate(const Request& request, Services& services) {
  auto token = AccessTokenOf(request, services);
  if (!token) return token.error();
  auto caller = services.tokens.Authenticate(*token);
  if (!caller) return caller;
  caller->client = ClientOf(request);
  services.sessions.RecordActivity(*caller, caller->client);
  return caller;
}

Result<AuthenticatedAccount> AuthenticateWithAccount(const Request& request, Services& services) {
  auto token = AccessTokenOf(request, services);
  if (!token) return token.error();
  auto caller = services.tokens.AuthenticateWithAccount(*token);
  if (!caller) return caller;
  caller->access.client = ClientOf(request);
  services.sessions.RecordActivity(caller->access, caller->access.client);
  return caller;
}

Result<AccessContext> AuthenticateAdmin(const Request& request, Services& services) {
  auto caller = Authenticate(request, services);
  if (caller && caller->role != "admin") {
    return MakeError(Errc::kForbidden, "not an admin", "This needs an administrator.");
  }
  return caller;
}

ClientInfo ClientOf(const Request& request) {
  constexpr std::size_t kMaxUserAgent = 512;
  std::string agent(request.Header("user-agent").substr(0, kMaxUserAgent));
  if (!IsValidUtf8(agent)) {
    for (char& c : agent) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
  }
  return {request.client_ip, agent};
}

Response TokenPairResponse(const Services& services, const TokenPair& pair, int status) {
  Response response = JsonResponse(status, {{"access_token", pair.access_token},
                                            {"refresh_token", pair.refresh_token},
                                            {"token_type", "Bearer"},
                                            {"expires_in", pair.expires_in},
                                            {"refresh_expires_in", pair.refresh_expires_in},
                                            {"session_id", pair.session_id}});
  if (services.config.cookies.enabled) SetSessionCookies(response, pair);
  return response;
}

Status RequireCsrf(const Request& request, const Services& services) {
  if (!IsStateChanging(request.method)) return Ok{};
  return CheckCsrf(request, services.cors, OriginOf(services.config.server.public_url));
}

Response JsonResponse(int status, const nlohmann::json& body) {
  return Response::Json(status, Dump(body));
}

Result<int> PageLimitOf(const Request& request, int fallback) {
  std::string_view text = request.QueryParam("limit");
  if (text.empty()) return fallback;
  int limit = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit < 1 || limit > kMaxPageSize) {
    return MakeError(Errc::kValidationFailed, "bad query limit", "'limit' must be from 1 to 200.");
  }
  return limit;
}

}  // namespace gatehouse

namespace gatehouse {

Handler Bind(Services& services, Response (*fn)(Services&, const Request&)) {
  return
      [&services, fn](const Request& request, const PathParams&) { return fn(services, request); };
}

Handler Bind(Services& services, Response (*fn)(Services&, const Request&, const PathParams&)) {
  return [&services, fn](const Request& request, const PathParams& params) {
    return fn(services, request, params);
  };
}

}  // namespace gatehouse
