// The OpenID Connect provider's machine endpoints: discovery, token and UserInfo. Errors
// come in the shape OAuth 2.0 gives them (RFC 6749 §5.2, RFC 6750 §3), not problem+json.
#include <nlohmann/json.hpp>

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/form_encoding.hpp"
#include "crypto/random.hpp"
#include "http/problem.hpp"
#include "oidc/authorization_service.hpp"
#include "oidc/client_registry.hpp"
#include "oidc/scopes.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

using nlohmann::json;

// RFC 6749 §5.2: {error, error_description}, 400 — 401 with a challenge for invalid_client.
Response OAuthError(const Error& error) {
  LogProblem(error);
  ProblemKind kind = ProblemFor(error.code);
  std::string code = kind.code;
  int status = kind.status;
  switch (error.code) {
    case Errc::kValidationFailed:
    case Errc::kUnsupportedMediaType:
    case Errc::kPayloadTooLarge:
      code = "invalid_request";
      status = 400;
      break;
    case Errc::kUnavailable: code = "temporarily_unavailable"; break;
    case Errc::kRateLimited: code = "temporarily_unavailable"; break;
    case Errc::kInternal: code = "server_error"; break;
    default: break;
  }
  json body = {{"error", code}};
  if (!error.detail.empty()) body["error_description"] = error.detail;
  Response r = JsonResponse(status, body);
  if (status == 401) r.SetHeader("WWW-Authenticate", "Basic realm=\"gatehouse\"");
  if (error.retry_after_seconds > 0) {
    r.SetHeader("Retry-After", std::to_string(error.retry_after_seconds));
  }
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Error InvalidRequest(std::string detail) {
  return MakeError(Errc::kInvalidRequest, "bad token request", std::move(detail));
}

Error InvalidClient() {
  return MakeError(Errc::kInvalidClient, "client authentication failed",
                   "The client is unknown or its credentials are wrong.");
}

// What a token request claims its client is, by client_secret_basic, client_secret_post or
// (a public client) none; using two methods at once is refused (RFC 6749 §2.3).
struct ClientCredentials {
  std::string client_id;
  std::optional<std::string> secret;
};

Result<ClientCredentials> ReadCredentials(const Request& request, const FormFields& form) {
  auto field = [&](std::string_view name) -> std::optional<std::string> {
    auto it = form.find(name);
    if (it == form.end()) return std::nullopt;
    return it->second;
  };
  std::string_view authorization = request.Header("authorization");
  if (authorization.empty()) {
    auto id = field("client_id");
    if (!id || id->empty()) return InvalidClient();
    return ClientCredentials{*id, field("client_secret")};
  }
  if (field("client_secret")) return InvalidRequest("Use one client authentication method.");
  if (authorization.size() < 7 ||
      (authorization.substr(0, 6) != "Basic " && authorization.substr(0, 6) != "basic ")) {
    return InvalidClient();
  }
  auto decoded = Base64Decode(authorization.substr(6));
  auto colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) return InvalidClient();
  // RFC 6749 §2.3.1: both parts are form-encoded before base64.
  auto id = FormDecode(std::string_view(*decoded).substr(0, colon));
  auto password = FormDecode(std::string_view(*decoded).substr(colon + 1));
  if (!id || !password) return InvalidClient();
  if (auto body_id = field("client_id"); body_id && *body_id != *id) {
    return InvalidRequest("client_id differs from the authenticated client.");
  }
  return ClientCredentials{*id, *password};
}

json TokenJson(const TokenResponse& t) {
  json body = {{"access_token", t.access_token},
               {"token_type", "Bearer"},
               {"expires_in", t.expires_in},
               {"scope", t.scope},
               {"id_token", t.id_token}};
  if (!t.refresh_token.empty()) body["refresh_token"] = t.refresh_token;
  return body;
}

// The form of a token, revocation or introspection request, and its authenticated client.
struct ClientRequest {
  FormFields form;
  OAuthClientRecord client;

  std::string Field(std::string_view name) const {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  }
};

Result<FormFields> ReadForm(const Request& request) {
  std::string_view type = request.Header("content-type");
  if (type.substr(0, type.find(';')) != "application/x-www-form-urlencoded") {
    return InvalidRequest("The body must be application/x-www-form-urlencoded.");
  }
  auto form = ParseForm(request.body);
  if (!form) return InvalidRequest("The body is malformed or repeats a parameter.");
  return std::move(*form);
}

Result<ClientRequest> ReadClientRequest(Services& s, const Request& request) {
  auto form = ReadForm(request);
  if (!form) return form.error();
  auto credentials = ReadCredentials(request, *form);
  if (!credentials) return credentials.error();
  auto client = s.clients.Authenticate(credentials->client_id, credentials->secret);
  if (!client) return client.error();
  if (!*client) return InvalidClient();
  return ClientRequest{std::move(*form), std::move(**client)};
}

Response NoStore(Response r) {
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response Token(Services& s, const Request& request) {
  auto read = ReadClientRequest(s, request);
  if (!read) return OAuthError(read.error());
  auto field = [&](std::string_view name) { return read->Field(name); };
  const OAuthClientRecord& client = read->client;
  std::string grant_type = field("grant_type");
  if (grant_type.empty()) return OAuthError(InvalidRequest("grant_type is missing."));
  if (grant_type != kGrantAuthorizationCode && grant_type != kGrantRefreshToken &&
      grant_type != kGrantClientCredentials) {
    return OAuthError(MakeError(Errc::kUnsupportedGrantType, "grant " + grant_type,
                                "Supported: authorization_code, refresh_token, "
                                "client_credentials."));
  }
  if (!HasGrant(client, grant_type)) {
    return OAuthError(MakeError(Errc::kUnauthorizedClient, "grant not registered",
                                "This client may not use grant_type " + grant_type + "."));
  }
  if (grant_type == kGrantClientCredentials) {
    // A machine's token names the machine and nothing else: no user, no scopes to ask for.
    if (!field("scope").empty()) {
      return OAuthError(MakeError(Errc::kInvalidScope, "scope with client_credentials",
                                  "client_credentials tokens carry no scope."));
    }
    auto machine = s.tokens.IssueMachineToken(client.id);
    if (!machine) return OAuthError(machine.error());
    Response r = NoStore(JsonResponse(200, {{"access_token", machine->access_token},
                                            {"token_type", "Bearer"},
                                            {"expires_in", machine->expires_in}}));
    r.SetHeader("Pragma", "no-cache");
    return r;
  }
  Result<TokenResponse> issued = [&]() -> Result<TokenResponse> {
    if (grant_type == kGrantAuthorizationCode) {
      if (field("code").empty() || field("redirect_uri").empty()) {
        return InvalidRequest("code and redirect_uri are required.");
      }
      return s.authorizations.ExchangeCode(client, field("code"), field("redirect_uri"),
                                           field("code_verifier"), ClientOf(request));
    }
    if (field("refresh_token").empty()) return InvalidRequest("refresh_token is required.");
    return s.authorizations.RefreshGrant(client, field("refresh_token"), field("scope"),
                                         ClientOf(request));
  }();
  if (!issued) return OAuthError(issued.error());
  Response r = NoStore(JsonResponse(200, TokenJson(*issued)));
  r.SetHeader("Pragma", "no-cache");
  return r;
}

// RFC 7009: the grant of a token the client holds is revoked — access and refresh token
// alike. 200 whatever the token: one that is invalid, expired, another client's or already
// revoked reveals nothing.
Response Revoke(Services& s, const Request& request) {
  auto read = ReadClientRequest(s, request);
  if (!read) return OAuthError(read.error());
  std::string token = read->Field("token");
  if (token.empty()) return OAuthError(InvalidRequest("token is required."));
  if (auto claims = s.tokens.VerifyClientToken(token);
      claims && claims->client_id == read->client.id) {
    // A machine token (client_credentials) names its client as its subject.
    auto revoked = claims->subject == claims->client_id
                       ? s.tokens.RevokeMachineToken(claims->session_id)
                       : s.tokens.RevokeSession(claims->session_id);
    if (!revoked) return OAuthError(revoked.error());
  }
  return NoStore(Response::Json(200, "{}"));
}

// RFC 7662 §2.2: what an active token is.
Response ActiveToken(const Services& s, const AccessContext& caller) {
  json body = {
      {"active", true},          {"token_type", "Bearer"},   {"iss", s.config.tokens.issuer},
      {"sub", caller.user_id},   {"sid", caller.session_id}, {"jti", caller.jti},
      {"iat", caller.issued_at}, {"exp", caller.expires_at}};
  if (caller.client_id.empty()) {
    body["aud"] = s.config.tokens.audience;
  } else {
    body["aud"] = caller.client_id;
    body["client_id"] = caller.client_id;
    body["scope"] = caller.scope;
  }
  return NoStore(JsonResponse(200, body));
}

// RFC 7662, for resource servers registered as clients: whether an access token (of any
// client, or Gatehouse's own) is live — the whitelist decides, as for /v1/auth/check — and
// what it carries.
Response Introspect(Services& s, const Request& request) {
  auto read = ReadClientRequest(s, request);
  if (!read) return OAuthError(read.error());
  // A browser or native app holds no secret: anyone could claim to be it.
  if (read->client.is_public()) return OAuthError(InvalidClient());
  std::string token = read->Field("token");
  if (token.empty()) return OAuthError(InvalidRequest("token is required."));
  auto caller = s.tokens.Authenticate(token, TokenAudience::kClient);
  if (!caller && caller.error().code == Errc::kInvalidToken) {
    caller = s.tokens.Authenticate(token, TokenAudience::kGatehouse);
  }
  if (!caller) {
    if (caller.error().code == Errc::kUnavailable) return OAuthError(caller.error());
    return NoStore(Response::Json(200, R"({"active":false})"));
  }
  return ActiveToken(s, *caller);
}

// Introspection without blocking an I/O thread, where the cache is across a network (Redis):
// a client authenticated from memory asking about a whitelisted client token is answered
// where the request was read, once the cache has answered. Anything else — a client not
// read lately, a bad request, Gatehouse's own token, a whitelist miss — goes to a worker and
// Introspect, which decides.
void IntrospectAsync(Services& s, const Request& request, Answer answer) {
  auto on_worker = [&s, &request, answer] {
    answer.on_worker([&s, &request] { return Introspect(s, request); });
  };
  auto form = ReadForm(request);
  if (!form) return on_worker();
  auto credentials = ReadCredentials(request, *form);
  if (!credentials) return on_worker();
  auto client = s.clients.AuthenticateIfRemembered(credentials->client_id, credentials->secret);
  if (!client || !*client || (*client)->is_public()) return on_worker();
  auto token = form->find("token");
  if (token == form->end() || token->second.empty()) return on_worker();
  bool asked = s.tokens.AuthenticateIfWhitelisted(
      token->second,
      [&s, answer, on_worker](std::optional<AccessContext> caller) {
        if (!caller) return on_worker();
        answer.now(ActiveToken(s, *caller));
      },
      TokenAudience::kClient);
  if (!asked) on_worker();
}

// RFC 6750 §3: the error in WWW-Authenticate.
Response BearerError(int status, const char* error, const char* description) {
  Response r = JsonResponse(status, {{"error", error}, {"error_description", description}});
  r.SetHeader("WWW-Authenticate", std::string("Bearer error=\"") + error +
                                      "\", error_description=\"" + description + "\"");
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response UserInfo(Services& s, const Request& request) {
  std::string_view authorization = request.Header("authorization");
  if (authorization.size() <= 7 || authorization.substr(0, 7) != "Bearer ") {
    Response r = JsonResponse(401, {{"error", "invalid_token"}});
    r.SetHeader("WWW-Authenticate", "Bearer");
    return r;
  }
  auto caller = s.tokens.Authenticate(authorization.substr(7), TokenAudience::kClient);
  if (!caller) {
    if (caller.error().code == Errc::kUnavailable) return OAuthError(caller.error());
    return BearerError(401, "invalid_token", "The access token is invalid, expired or revoked.");
  }
  if (!HasScope(caller->scope, "openid")) {
    return BearerError(403, "insufficient_scope", "The token was not granted the openid scope.");
  }
  auto user = s.db.Run<std::optional<UserRecord>>(
      [&](Connection& sql) -> Result<std::optional<UserRecord>> {
        return user_store::FindById(sql, caller->user_id);
      });
  if (!user) return OAuthError(user.error());
  if (!*user) return BearerError(401, "invalid_token", "The user is gone.");
  Response r = JsonResponse(200, AuthorizationService::UserClaims(**user, caller->scope));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

std::string DiscoveryDocument(const Config& c) {
  const std::string& base = c.server.public_url;
  json doc = {
      {"issuer", c.tokens.issuer},
      {"authorization_endpoint", base + "/oauth2/authorize"},
      {"token_endpoint", base + "/oauth2/token"},
      {"userinfo_endpoint", base + "/oauth2/userinfo"},
      {"revocation_endpoint", base + "/oauth2/revoke"},
      {"introspection_endpoint", base + "/oauth2/introspect"},
      {"end_session_endpoint", base + "/oauth2/logout"},
      {"backchannel_logout_supported", true},
      {"backchannel_logout_session_supported", true},
      {"revocation_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "none"}},
      {"introspection_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post"}},
      {"jwks_uri", base + "/.well-known/jwks.json"},
      {"scopes_supported", kSupportedScopes},
      {"response_types_supported", {"code"}},
      {"response_modes_supported", {"query"}},
      {"grant_types_supported", {"authorization_code", "refresh_token", "client_credentials"}},
      {"subject_types_supported", {"public"}},
      {"id_token_signing_alg_values_supported", {"RS256", "ES256", "EdDSA"}},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "none"}},
      {"code_challenge_methods_supported", {"S256"}},
      {"claims_supported",
       {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr", "azp", "sid", "name",
        "updated_at", "email", "email_verified"}},
      {"prompt_values_supported", {"none", "login", "consent", "select_account"}},
      {"authorization_response_iss_parameter_supported", true},
      {"claims_parameter_supported", false},
      {"request_parameter_supported", false},
      {"request_uri_parameter_supported", false},
  };
  return doc.dump();
}

}  // namespace

void AddOidcRoutes(Router& router, Services& s) {
  auto discovery = std::make_shared<const std::string>(DiscoveryDocument(s.config));
  router.Add(
      "GET", "/.well-known/openid-configuration",
      [discovery](const Request&, const PathParams&) {
        Response r = Response::Json(200, *discovery);
        r.SetHeader("Cache-Control", "public, max-age=3600");
        return r;
      },
      Execution::kInline);
  // As /v1/auth/refresh: signatures, the cache and the database, never the hashing pool.
  // Run where the request was read when both are in this process, so that at most one
  // thread per core queues for SQLite's single writer, not every worker.
  router.Add("POST", "/oauth2/token", Bind(s, Token), Execution::kStorage);
  router.Add("POST", "/oauth2/revoke", Bind(s, Revoke), Execution::kStorage);
  router.Add("POST", "/oauth2/introspect", Bind(s, Introspect), Execution::kStorage);
  // As for /v1/auth/check: the memory cache answers at once, and the synchronous route on the
  // I/O thread is faster there.
  if (s.config.cache.type == "redis") {
    router.SetAsync("POST", "/oauth2/introspect",
                    [&s](const Request& r, const PathParams&, Answer a) {
                      IntrospectAsync(s, r, std::move(a));
                    });
  }
  router.Add("GET", "/oauth2/userinfo", Bind(s, UserInfo));
  router.Add("POST", "/oauth2/userinfo", Bind(s, UserInfo));
}

}  // namespace gatehouse
