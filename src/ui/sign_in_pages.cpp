#include "api/cookies.hpp"
#include "api/handler_support.hpp"
#include "auth/login_service.hpp"
#include "auth/mfa_login.hpp"
#include "auth/passkey_sign_in.hpp"
#include "auth/session_service.hpp"
#include "auth/token_service.hpp"
#include "auth/validation.hpp"
#include "config/config.hpp"
#include "core/comma_list.hpp"
#include "ui/oidc_pages.hpp"
#include "ui/page_routes.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kAfterSignIn = "/account";
constexpr std::int64_t kChallengeCookieSeconds = 300;  // the challenge's own lifetime
// An assertion is at most ~8 KiB of base64url (credential_json.cpp's limits).
constexpr std::size_t kMaxAssertionFieldBytes = 16 * 1024;

// Where to go after signing in: an allowed ?return_to= or the account center.
std::string Destination(const PageServices& pages, std::string_view return_to) {
  auto allowed = pages.renderer.return_urls().Resolve(return_to);
  return allowed ? *allowed : std::string(kAfterSignIn);
}

// The return_to worth carrying on through the forms: only an allowed one.
std::string KeptReturnTo(const PageServices& pages, std::string_view candidate) {
  return pages.renderer.return_urls().Resolve(candidate) ? std::string(candidate) : "";
}

std::string QueryValue(const Request& request, std::string_view name) {
  return FormDecode(request.QueryParam(name)).value_or("");
}

Response SignInForm(const Request& request, const PageServices& pages, int status,
                    const std::string& email, bool remember_me, const std::string& return_to,
                    std::string error_key = "", bool fields_invalid = true) {
  Page page{.status = status, .name = "sign_in", .title_key = "sign_in.title"};
  page.data = {{"email", email},
               {"remember_me", remember_me},
               {"return_to", return_to},
               {"passkeys", pages.api.passkey_sign_in.Available()},
               {"fields_invalid", fields_invalid && !error_key.empty()}};
  page.error_key = std::move(error_key);
  page.form_origins = AuthorizationFormOrigins(pages, return_to);
  return pages.renderer.Render(request, std::move(page));
}

Response SignedInTo(const PageServices& pages, const TokenPair& pair,
                    const std::string& return_to) {
  Response response = PageRenderer::Redirect(Destination(pages, return_to));
  SetSessionCookies(response, pair);
  SetPrivateCookie(response, kMfaChallengeCookie, "", 0);
  return response;
}

Response ShowSignIn(PageServices& pages, const Request& request) {
  std::string return_to = KeptReturnTo(pages, QueryValue(request, "return_to"));
  // reauth=1: an app asked for a fresh sign-in (OpenID Connect prompt=login or max_age), so
  // a signed-in visitor gets the form too.
  if (QueryValue(request, "reauth") != "1") {
    if (auto visitor = SignedIn(request, pages)) {
      Response response = PageRenderer::Redirect(Destination(pages, return_to));
      CopyCookies(visitor->cookies, response);
      return response;
    }
  }
  std::string hint = QueryValue(request, "login_hint");
  return SignInForm(request, pages, 200, NormalizeEmail(hint).value_or(""), false, return_to);
}

Response SubmitSignIn(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form = ReadForm(request, pages, PageLimit{"login", s.config.rate_limits.login});
  if (!form) return ErrorPage(request, pages, form.error());
  std::string email = Field(*form, "email");
  std::string return_to = KeptReturnTo(pages, Field(*form, "return_to"));
  bool remember_me = Field(*form, "remember_me") == "1";
  if (email.size() > kMaxEmailFieldBytes ||
      Field(*form, "password").size() > kMaxPasswordFieldBytes) {
    return SignInForm(request, pages, 400, "", remember_me, return_to, "error.invalid_input");
  }
  auto outcome = s.login.Login({email, Field(*form, "password"), remember_me}, ClientOf(request));
  if (!outcome) {
    switch (outcome.error().code) {
      case Errc::kInvalidCredentials:
      case Errc::kValidationFailed:
        return SignInForm(request, pages, 401, email, remember_me, return_to, "sign_in.failed");
      case Errc::kEmailNotVerified:
        return SignInForm(request, pages, 403, email, remember_me, return_to,
                          "sign_in.not_verified");
      case Errc::kAccountDisabled:
        return SignInForm(request, pages, 403, email, remember_me, return_to, "sign_in.disabled");
      default: return ErrorPage(request, pages, outcome.error());
    }
  }
  if (outcome->challenge) {
    // The challenge token stays out of the page and the URL: an HttpOnly cookie for the step.
    Response response =
        PageRenderer::Redirect("/sign-in/second-factor" +
                               (return_to.empty() ? "" : "?return_to=" + PercentEncode(return_to)));
    std::string methods;
    for (const std::string& m : NamesOf(outcome->challenge->methods))
      methods += (methods.empty() ? "" : ".") + m;
    SetPrivateCookie(response, kMfaChallengeCookie, outcome->challenge->mfa_token + ":" + methods,
                     kChallengeCookieSeconds);
    return response;
  }
  return SignedInTo(pages, *outcome->tokens, return_to);
}

// POST /sign-in/passkey/options (passkeys.js): request options for a discoverable passkey.
Response PasskeyOptions(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form = ReadForm(request, pages, PageLimit{"login", s.config.rate_limits.login});
  if (!form) return ScriptRefusal(pages, request, form.error(), "error.csrf");
  auto options = s.passkey_sign_in.Options(std::nullopt);
  if (!options) return ScriptRefusal(pages, request, options.error(), "passkeys.failed");
  return ScriptAnswer(*options);
}

// The assertion passkeys.js put in the form's field, parsed; kValidationFailed otherwise.
Result<AssertionResponse> AssertionOf(const FormFields& form) {
  std::string text = Field(form, "assertion");
  nlohmann::json json = text.size() <= kMaxAssertionFieldBytes
                            ? nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false)
                            : nlohmann::json();
  return ParseAssertionResponse(json, "assertion");
}

// POST /sign-in/passkey: the assertion the browser made.
Response SubmitPasskey(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form = ReadForm(request, pages, PageLimit{"login", s.config.rate_limits.login});
  if (!form) return ErrorPage(request, pages, form.error());
  std::string return_to = KeptReturnTo(pages, Field(*form, "return_to"));
  bool remember_me = Field(*form, "remember_me") == "1";
  auto assertion = AssertionOf(*form);
  Result<TokenPair> pair =
      assertion ? s.passkey_sign_in.SignIn(*assertion, remember_me, ClientOf(request))
                : Result<TokenPair>(assertion.error());
  if (!pair) {
    switch (pair.error().code) {
      case Errc::kInvalidToken:
        return SignInForm(request, pages, 401, "", remember_me, return_to,
                          "sign_in.passkey_expired", false);
      case Errc::kInvalidCredentials:
      case Errc::kValidationFailed:
        return SignInForm(request, pages, 401, "", remember_me, return_to, "sign_in.passkey_failed",
                          false);
      case Errc::kEmailNotVerified:
        return SignInForm(request, pages, 403, "", remember_me, return_to, "sign_in.not_verified",
                          false);
      case Errc::kAccountDisabled:
        return SignInForm(request, pages, 403, "", remember_me, return_to, "sign_in.disabled",
                          false);
      default: return ErrorPage(request, pages, pair.error());
    }
  }
  return SignedInTo(pages, *pair, return_to);
}

struct Challenge {
  std::string token;
  std::vector<std::string> methods;
};

std::optional<Challenge> ChallengeOf(const Request& request) {
  std::string_view cookie = CookieValue(request, kMfaChallengeCookie);
  auto colon = cookie.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  Challenge challenge{std::string(cookie.substr(0, colon)), {}};
  std::string_view rest = cookie.substr(colon + 1);
  while (!rest.empty()) {
    auto dot = rest.find('.');
    challenge.methods.emplace_back(rest.substr(0, dot));
    rest = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
  }
  return challenge;
}

Response SecondFactorForm(const Request& request, const PageServices& pages,
                          const Challenge& challenge, std::string method,
                          const std::string& return_to, int status, std::string error_key = "",
                          std::string notice_key = "", const std::string& sent_to = "") {
  auto offered = [&](std::string_view m) {
    return std::find(challenge.methods.begin(), challenge.methods.end(), m) !=
           challenge.methods.end();
  };
  if (!offered(method)) {
    // A passkey first where there is one: it resists phishing, codes do not.
    method = offered("webauthn")         ? "webauthn"
             : challenge.methods.empty() ? ""
                                         : challenge.methods.front();
  }
  auto factor = ParseFactorMethod(method);
  nlohmann::json others = nlohmann::json::array();
  for (const std::string& m : challenge.methods) {
    if (m == method) continue;
    std::string link = "/sign-in/second-factor?method=" + m;
    if (!return_to.empty()) link += "&return_to=" + PercentEncode(return_to);
    others.push_back({{"link", link}, {"label_" + m, true}});
  }
  Page page{.status = status, .name = "sign_in_second_factor", .title_key = "second_factor.title"};
  page.data = {{"method", method},
               {"method_" + method, true},
               {"sends_code", factor && SendsCodes(*factor)},
               {"others", others},
               {"has_others", !others.empty()},
               {"return_to", return_to},
               {"sent_to", sent_to}};
  page.error_key = std::move(error_key);
  page.notice_key = std::move(notice_key);
  page.form_origins = AuthorizationFormOrigins(pages, return_to);
  return pages.renderer.Render(request, std::move(page));
}

Response ShowSecondFactor(PageServices& pages, const Request& request) {
  auto challenge = ChallengeOf(request);
  if (!challenge) return PageRenderer::Redirect("/sign-in");
  return SecondFactorForm(request, pages, *challenge, QueryValue(request, "method"),
                          KeptReturnTo(pages, QueryValue(request, "return_to")), 200);
}

// The second step with a code, or with the assertion passkeys.js put in the form.
Result<TokenPair> CompleteSecondFactor(Services& s, const std::string& mfa_token,
                                       const Result<FactorMethod>& factor, const FormFields& form,
                                       const Request& request) {
  if (!factor) return factor.error();
  if (*factor != FactorMethod::kWebauthn) {
    return s.mfa_login.CompleteLogin(mfa_token, *factor, Field(form, "code"), ClientOf(request));
  }
  auto assertion = AssertionOf(form);
  if (!assertion) return assertion.error();
  return s.mfa_login.CompleteWithPasskey(mfa_token, *assertion, ClientOf(request));
}

// POST /sign-in/second-factor/options (passkeys.js): request options for this sign-in's
// passkeys.
Response SecondFactorOptions(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form = ReadForm(request, pages, PageLimit{"mfa", s.config.rate_limits.mfa});
  if (!form) return ScriptRefusal(pages, request, form.error(), "error.csrf");
  auto challenge = ChallengeOf(request);
  auto options = challenge ? s.mfa_login.PasskeyOptions(challenge->token)
                           : Result<nlohmann::json>(MakeError(Errc::kInvalidToken, "no cookie"));
  if (!options) {
    return ScriptRefusal(
        pages, request, options.error(),
        options.error().code == Errc::kInvalidToken ? "second_factor.expired" : "passkeys.failed");
  }
  return ScriptAnswer(*options);
}

Response SubmitSecondFactor(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form = ReadForm(request, pages, PageLimit{"mfa", s.config.rate_limits.mfa});
  if (!form) return ErrorPage(request, pages, form.error());
  auto challenge = ChallengeOf(request);
  if (!challenge) return PageRenderer::Redirect("/sign-in");
  std::string method = Field(*form, "method");
  std::string return_to = KeptReturnTo(pages, Field(*form, "return_to"));
  // An unknown method gets the answers a wrong one gets.
  Result<FactorMethod> factor = SignInMethod(method);
  if (Field(*form, "action") == "send") {
    Result<CodeSent> sent = factor ? s.mfa_login.SendLoginCode(challenge->token, *factor)
                                   : Result<CodeSent>(factor.error());
    if (!sent) {
      return SecondFactorForm(request, pages, *challenge, method, return_to,
                              ProblemFor(sent.error().code).status, "second_factor.send_failed");
    }
    return SecondFactorForm(request, pages, *challenge, method, return_to, 200, "",
                            "second_factor.sent", sent->sent_to);
  }
  Result<TokenPair> pair = CompleteSecondFactor(s, challenge->token, factor, *form, request);
  if (!pair) {
    if (pair.error().code == Errc::kInvalidToken) {
      Response expired =
          SignInForm(request, pages, 401, "", false, return_to, "second_factor.expired");
      SetPrivateCookie(expired, kMfaChallengeCookie, "", 0);
      return expired;
    }
    if (pair.error().code == Errc::kMfaInvalidCode ||
        pair.error().code == Errc::kValidationFailed ||
        pair.error().code == Errc::kInvalidCredentials) {
      return SecondFactorForm(
          request, pages, *challenge, method, return_to, 401,
          method == "webauthn" ? "second_factor.key_failed" : "second_factor.wrong_code");
    }
    return ErrorPage(request, pages, pair.error());
  }
  return SignedInTo(pages, *pair, return_to);
}

Response ShowSignOut(PageServices& pages, const Request& request) {
  auto visitor = SignedIn(request, pages);
  Page page{
      .name = "sign_out", .title_key = "sign_out.title", .csrf = visitor ? visitor->csrf : ""};
  page.data = {{"signed_in", visitor.has_value()}};
  Response response = pages.renderer.Render(request, std::move(page));
  if (visitor) CopyCookies(visitor->cookies, response);
  return response;
}

Response SubmitSignOut(PageServices& pages, const Request& request) {
  auto form = ReadForm(request, pages);
  if (!form) return ErrorPage(request, pages, form.error());
  if (auto visitor = SignedIn(request, pages)) {
    auto revoked = pages.api.sessions.SignOut(visitor->caller.access);
    if (!revoked) return ErrorPage(request, pages, revoked.error());
  }
  Page page{.name = "sign_out", .title_key = "sign_out.title", .notice_key = "sign_out.done"};
  page.data = {{"signed_in", false}};
  Response response = pages.renderer.Render(request, std::move(page));
  ClearSessionCookies(response);
  return response;
}

Response Home(PageServices& pages, const Request& request) {
  auto visitor = SignedIn(request, pages);
  Response response = PageRenderer::Redirect(visitor ? std::string(kAfterSignIn) : "/sign-in");
  if (visitor) CopyCookies(visitor->cookies, response);
  return response;
}

}  // namespace

void AddSignInPages(Router& router, PageServices& pages) {
  router.Add("GET", "/", OnPage(pages, Home));
  router.Add("GET", "/sign-in", OnPage(pages, ShowSignIn));
  router.Add("POST", "/sign-in", OnPage(pages, SubmitSignIn));
  router.Add("POST", "/sign-in/passkey/options", OnPage(pages, PasskeyOptions));
  router.Add("POST", "/sign-in/passkey", OnPage(pages, SubmitPasskey));
  router.Add("GET", "/sign-in/second-factor", OnPage(pages, ShowSecondFactor));
  router.Add("POST", "/sign-in/second-factor/options", OnPage(pages, SecondFactorOptions));
  router.Add("POST", "/sign-in/second-factor", OnPage(pages, SubmitSecondFactor));
  router.Add("GET", "/sign-out", OnPage(pages, ShowSignOut));
  router.Add("POST", "/sign-out", OnPage(pages, SubmitSignOut));
}

}  // namespace gatehouse
