#include <nlohmann/json.hpp>

#include "api/cookies.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "api/sign_in_redirect.hpp"
#include "auth/account_service.hpp"
#include "auth/login_service.hpp"
#include "auth/session_service.hpp"
#include "config/config.hpp"
#include "core/comma_list.hpp"

namespace gatehouse {
namespace {

Response Accepted() { return JsonResponse(202, nlohmann::json::object()); }

Response Register(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(email, body.RequiredString("email", kMaxEmailFieldBytes));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(name, body.OptionalString("name", kMaxNameFieldBytes));
  Status done = s.accounts.Register({email, password, name}, ClientOf(request));
  if (!done) return ProblemResponse(done.error());
  return Accepted();
}

Response VerifyEmail(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  Status done = Ok{};
  if (body.Has("token")) {
    GH_TRY(token, body.RequiredString("token", kMaxTokenFieldBytes));
    done = s.accounts.VerifyEmailByToken(token, ClientOf(request));
  } else if (body.Has("code")) {
    GH_TRY(email, body.RequiredString("email", kMaxEmailFieldBytes));
    GH_TRY(code, body.RequiredString("code", 16));
    done = s.accounts.VerifyEmailByCode(email, code, ClientOf(request));
  } else {
    return ProblemResponse(MakeError(Errc::kValidationFailed, "no token or code",
                                     "Send either 'token' or 'email' and 'code'."));
  }
  if (!done) return ProblemResponse(done.error());
  return JsonResponse(200, {{"email_verified", true}});
}

Response ResendVerification(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(email, body.RequiredString("email", kMaxEmailFieldBytes));
  Status done = s.accounts.ResendVerification(email);
  if (!done) return ProblemResponse(done.error());
  return Accepted();
}

Response Login(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(email, body.RequiredString("email", kMaxEmailFieldBytes));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(remember_me, body.OptionalBool("remember_me", false));
  GH_TRY(outcome, s.login.Login({email, password, remember_me}, ClientOf(request)));
  if (outcome.challenge) {
    return JsonResponse(200, {{"mfa_required", true},
                              {"mfa_token", outcome.challenge->mfa_token},
                              {"methods", NamesOf(outcome.challenge->methods)}});
  }
  return TokenPairResponse(s, *outcome.tokens);
}

// The refresh token of the body or, in cookie mode, of the refresh cookie (then with the
// CSRF check). A cookie-mode request may have no body at all.
Result<std::string> RefreshTokenOf(Services& s, const Request& request) {
  std::string_view cookie = CookieValue(request, kRefreshCookie);
  if (s.config.cookies.enabled && !cookie.empty() && request.body.empty()) {
    if (Status csrf = RequireCsrf(request, s); !csrf) return csrf.error();
    return std::string(cookie);
  }
  auto body = JsonBody::Parse(request);
  if (!body) return body.error();
  return body->RequiredString("refresh_token", kMaxTokenFieldBytes);
}

Response Refresh(Services& s, const Request& request) {
  GH_TRY(token, RefreshTokenOf(s, request));
  GH_TRY(pair, s.tokens.Refresh(token, ClientOf(request)));
  return TokenPairResponse(s, pair);
}

Response Logout(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(revoked, s.sessions.SignOut(caller));
  (void)revoked;
  Response response = Response::NoContent();
  if (s.config.cookies.enabled) ClearSessionCookies(response);
  return response;
}

// Who the access token authenticates, for reverse proxies (nginx auth_request, Traefik
// ForwardAuth, Caddy forward_auth) and resource servers: in headers a proxy can copy to its
// upstream, and as JSON.
Response CheckResponse(const AccessContext& caller) {
  std::vector<std::string> roles{caller.role};
  Response response = JsonResponse(200, {{"user_id", caller.user_id},
                                         {"session_id", caller.session_id},
                                         {"roles", roles},
                                         {"amr", caller.amr}});
  response.SetHeader("X-Gatehouse-User-Id", caller.user_id);
  response.SetHeader("X-Gatehouse-Session-Id", caller.session_id);
  response.SetHeader("X-Gatehouse-Roles", JoinWithCommas(roles));
  response.SetHeader("X-Gatehouse-Amr", JoinWithCommas(caller.amr));
  return response;
}

// The check's refusal: 401, or for a browser behind a trusted proxy the way to sign in.
Response CheckRefused(const Services& s, const Request& request, const Error& error) {
  Response refusal = ProblemResponse(error);
  if (auto redirect = SignInRedirect(s, request, refusal)) return *redirect;
  return refusal;
}

Response Check(Services& s, const Request& request) {
  auto caller = Authenticate(request, s);
  if (!caller) return CheckRefused(s, request, caller.error());
  return CheckResponse(*caller);
}

// The check without blocking an I/O thread: a whitelisted token is answered where it was
// read (the cache answered asynchronously); anything else — an invalid token, a whitelist
// miss, an activity write due, a cache that cannot answer so — goes to a worker and Check.
void CheckAsync(Services& s, const Request& request, Answer answer) {
  auto on_worker = [&s, &request, answer] {
    answer.on_worker([&s, &request] { return Check(s, request); });
  };
  auto token = AccessTokenOf(request, s);
  if (!token) return answer.now(CheckRefused(s, request, token.error()));
  bool asked = s.tokens.AuthenticateIfWhitelisted(
      *token, [&s, answer, on_worker](std::optional<AccessContext> caller) {
        if (!caller || s.sessions.ActivityMayBeDue(*caller)) return on_worker();
        answer.now(CheckResponse(*caller));
      });
  if (!asked) on_worker();
}

}  // namespace

void AddAuthRoutes(Router& router, Services& s) {
  router.Add("POST", "/v1/auth/register", Bind(s, Register));
  router.Add("POST", "/v1/auth/verify-email", Bind(s, VerifyEmail));
  router.Add("POST", "/v1/auth/verify-email/resend", Bind(s, ResendVerification));
  router.Add("POST", "/v1/auth/login", Bind(s, Login));
  // The token paths: signatures, the cache and the session row, never the hashing pool.
  router.Add("POST", "/v1/auth/refresh", Bind(s, Refresh), Execution::kStorage);
  router.Add("POST", "/v1/auth/logout", Bind(s, Logout), Execution::kStorage);
  router.Add("GET", "/v1/auth/check", Bind(s, Check), Execution::kStorage);
  // Across a network (Redis), the check waits for the whitelist without holding a thread; the
  // memory cache answers at once, and the synchronous route on the I/O thread is faster there.
  if (s.config.cache.type == "redis") {
    router.SetAsync("GET", "/v1/auth/check", [&s](const Request& r, const PathParams&, Answer a) {
      CheckAsync(s, r, std::move(a));
    });
  }
}

}  // namespace gatehouse
