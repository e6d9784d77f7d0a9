// Sign-up, e-mail verification, forgot and reset password, accepting an invitation, and the
// links of an e-mail address change.
#include "api/cookies.hpp"
#include "api/handler_support.hpp"
#include "auth/account_service.hpp"
#include "auth/email_change_service.hpp"
#include "auth/invitation_service.hpp"
#include "auth/password_service.hpp"
#include "auth/sign_in_alerts.hpp"
#include "config/config.hpp"
#include "protect/rate_limiter.hpp"
#include "ui/page_routes.hpp"

namespace gatehouse {
namespace {

// An e-mailed link's token moves from the URL into this HttpOnly cookie at once, and the
// browser is sent to the same page without it: the token leaves the address bar and history.
constexpr std::string_view kLinkCookie = "__Host-gh_link";
constexpr std::int64_t kLinkCookieSeconds = 900;

Response Message(const Request& request, const PageServices& pages, int status,
                 std::string title_key, std::string body_key, std::string link_href = "",
                 std::string link_key = "", nlohmann::json data = nlohmann::json::object()) {
  Page page{.status = status, .name = "message", .title_key = std::move(title_key)};
  page.data = std::move(data);
  page.texts["body_text"] = std::move(body_key);
  if (!link_href.empty()) {
    page.data["link_href"] = std::move(link_href);
    page.texts["link_text"] = std::move(link_key);
  }
  return pages.renderer.Render(request, std::move(page));
}

Response CheckEmail(const Request& request, const PageServices& pages, const std::string& email,
                    std::string body_key) {
  return Message(request, pages, 200, "check_email.title", std::move(body_key), "", "",
                 {{"email", email}});
}

// Moves ?token= into the link cookie and comes back without it; otherwise nullopt.
std::optional<Response> TokenOutOfTheUrl(const Request& request, const std::string& path) {
  std::string token = FormDecode(request.QueryParam("token")).value_or("");
  if (token.empty()) return std::nullopt;
  Response response = PageRenderer::Redirect(path);
  SetPrivateCookie(response, kLinkCookie, token.substr(0, kMaxTokenFieldBytes), kLinkCookieSeconds);
  return response;
}

Response ExpiredLink(const Request& request, const PageServices& pages, std::string body_key,
                     std::string link_href, std::string link_key) {
  Response response = Message(request, pages, 410, "expired_link.title", std::move(body_key),
                              std::move(link_href), std::move(link_key));
  SetPrivateCookie(response, kLinkCookie, "", 0);
  return response;
}

// ---- sign-up and verification

Response SignUpForm(const Request& request, const PageServices& pages, int status,
                    const FormFields& form, std::string error_key = "", bool email_error = false) {
  Page page{.status = status, .name = "sign_up", .title_key = "sign_up.title"};
  page.data = {{"name", Field(form, "name")},
               {"email", Field(form, "email")},
               {"email_error", email_error},
               {"password_error", !error_key.empty() && !email_error}};
  page.error_key = std::move(error_key);
  return pages.renderer.Render(request, std::move(page));
}

Response ShowSignUp(PageServices& pages, const Request& request) {
  return SignUpForm(request, pages, 200, {});
}

Response SubmitSignUp(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form =
      ReadForm(request, pages, PageLimit{"registration", s.config.rate_limits.registration});
  if (!form) return ErrorPage(request, pages, form.error());
  std::string email = Field(*form, "email");
  if (email.size() > kMaxEmailFieldBytes || Field(*form, "name").size() > kMaxNameFieldBytes ||
      Field(*form, "password").size() > kMaxPasswordFieldBytes) {
    return SignUpForm(request, pages, 400, *form, "error.invalid_input", true);
  }
  Status done = s.accounts.Register({email, Field(*form, "password"), Field(*form, "name")},
                                    ClientOf(request));
  if (!done) {
    switch (done.error().code) {
      case Errc::kWeakPassword:
        return SignUpForm(request, pages, 422, *form, "sign_up.weak_password");
      case Errc::kValidationFailed:
        return SignUpForm(request, pages, 400, *form, "sign_up.invalid", true);
      default: return ErrorPage(request, pages, done.error());
    }
  }
  // The same answer whether the address was new or not (a known one gets a notice by mail).
  return CheckEmail(request, pages, email, "check_email.sign_up");
}

Response VerifyForm(const Request& request, const PageServices& pages, int status,
                    const std::string& email, std::string error_key = "",
                    std::string notice_key = "") {
  Page page{.status = status, .name = "verify_email", .title_key = "verify_email.title"};
  page.data = {{"email", email}};
  page.error_key = std::move(error_key);
  page.notice_key = std::move(notice_key);
  return pages.renderer.Render(request, std::move(page));
}

// The e-mailed link lands here and verifies at once; without a token, the code form.
Response ShowVerifyEmail(PageServices& pages, const Request& request) {
  std::string token = FormDecode(request.QueryParam("token")).value_or("");
  if (token.empty()) return VerifyForm(request, pages, 200, "");
  Services& s = pages.api;
  Status allowed = s.limiter.Require("verify_email", s.config.rate_limits.verify_email,
                                     request.client_ip, "Too many requests from this address.");
  if (!allowed) return ErrorPage(request, pages, allowed.error());
  Status done =
      s.accounts.VerifyEmailByToken(token.substr(0, kMaxTokenFieldBytes), ClientOf(request));
  if (!done) {
    if (done.error().code == Errc::kInvalidToken) {
      return ExpiredLink(request, pages, "expired_link.verify", "/verify-email",
                         "verify_email.title");
    }
    return ErrorPage(request, pages, done.error());
  }
  return Message(request, pages, 200, "verified.title", "verified.body", "/sign-in",
                 "sign_in.submit");
}

Response SubmitVerifyEmail(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form =
      ReadForm(request, pages, PageLimit{"verify_email", s.config.rate_limits.verify_email});
  if (!form) return ErrorPage(request, pages, form.error());
  std::string email = Field(*form, "email");
  if (email.size() > kMaxEmailFieldBytes) {
    return VerifyForm(request, pages, 400, "", "error.invalid_input");
  }
  if (Field(*form, "action") == "resend") {
    Status sent = s.accounts.ResendVerification(email);
    if (!sent && sent.error().code != Errc::kValidationFailed) {
      return ErrorPage(request, pages, sent.error());
    }
    return VerifyForm(request, pages, 200, email, "", "verify_email.resent");
  }
  Status done =
      s.accounts.VerifyEmailByCode(email, Field(*form, "code").substr(0, 16), ClientOf(request));
  if (!done) {
    if (done.error().code == Errc::kRateLimited || done.error().code == Errc::kUnavailable) {
      return ErrorPage(request, pages, done.error());
    }
    return VerifyForm(request, pages, 401, email, "verify_email.wrong_code");
  }
  return Message(request, pages, 200, "verified.title", "verified.body", "/sign-in",
                 "sign_in.submit");
}

// ---- forgot and reset

Response ShowForgot(PageServices& pages, const Request& request) {
  Page page{.name = "forgot_password", .title_key = "forgot.title"};
  return pages.renderer.Render(request, std::move(page));
}

Response SubmitForgot(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form =
      ReadForm(request, pages, PageLimit{"password_reset", s.config.rate_limits.password_reset});
  if (!form) return ErrorPage(request, pages, form.error());
  std::string email = Field(*form, "email");
  if (email.size() <= kMaxEmailFieldBytes) {
    Status done = s.passwords.ForgotPassword(email, ClientOf(request));
    if (!done && done.error().code != Errc::kValidationFailed) {
      return ErrorPage(request, pages, done.error());
    }
  }
  // Whether an account exists is never said: the mail tells its reader.
  return CheckEmail(request, pages, email, "check_email.forgot");
}

Response LinkExpired(const Request& request, const PageServices& pages, bool invitation) {
  if (invitation) return ExpiredLink(request, pages, "expired_link.invitation", "", "");
  return ExpiredLink(request, pages, "expired_link.reset", "/forgot-password", "forgot.title");
}

Response NewPasswordForm(const Request& request, const PageServices& pages, int status,
                         bool invitation, const FormFields& form, std::string error_key = "") {
  Page page{.status = status,
            .name = "new_password",
            .title_key = invitation ? "invitation.title" : "reset.title"};
  page.data = {{"action", invitation ? "/accept-invitation" : "/reset-password"},
               {"ask_name", invitation},
               {"name", Field(form, "name")}};
  page.texts["submit_text"] = invitation ? "invitation.submit" : "reset.submit";
  page.error_key = std::move(error_key);
  return pages.renderer.Render(request, std::move(page));
}

// A reset or invitation link: its token goes into the link cookie, then the form.
Response ShowLinkForm(PageServices& pages, const Request& request, bool invitation) {
  std::string path = invitation ? "/accept-invitation" : "/reset-password";
  if (auto moved = TokenOutOfTheUrl(request, path)) return *moved;
  if (CookieValue(request, kLinkCookie).empty()) return LinkExpired(request, pages, invitation);
  return NewPasswordForm(request, pages, 200, invitation, {});
}

Response ShowReset(PageServices& pages, const Request& request) {
  return ShowLinkForm(pages, request, false);
}

Response SubmitReset(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form =
      ReadForm(request, pages, PageLimit{"password_reset", s.config.rate_limits.password_reset});
  if (!form) return ErrorPage(request, pages, form.error());
  std::string token(CookieValue(request, kLinkCookie));
  std::string password = Field(*form, "password");
  if (password.size() > kMaxPasswordFieldBytes) {
    return NewPasswordForm(request, pages, 400, false, *form, "error.invalid_input");
  }
  Status done = s.passwords.ResetPassword(token, password, ClientOf(request));
  if (!done) {
    switch (done.error().code) {
      case Errc::kWeakPassword:
      case Errc::kValidationFailed:
        return NewPasswordForm(request, pages, 422, false, *form, "sign_up.weak_password");
      case Errc::kInvalidToken: return LinkExpired(request, pages, false);
      default: return ErrorPage(request, pages, done.error());
    }
  }
  Response response =
      Message(request, pages, 200, "reset.done_title", "reset.done", "/sign-in", "sign_in.submit");
  SetPrivateCookie(response, kLinkCookie, "", 0);
  return response;
}

// ---- invitations

Response ShowInvitation(PageServices& pages, const Request& request) {
  return ShowLinkForm(pages, request, true);
}

Response SubmitInvitation(PageServices& pages, const Request& request) {
  Services& s = pages.api;
  auto form =
      ReadForm(request, pages, PageLimit{"registration", s.config.rate_limits.registration});
  if (!form) return ErrorPage(request, pages, form.error());
  std::string password = Field(*form, "password");
  if (password.size() > kMaxPasswordFieldBytes ||
      Field(*form, "name").size() > kMaxNameFieldBytes) {
    return NewPasswordForm(request, pages, 400, true, *form, "error.invalid_input");
  }
  auto pair = s.invitations.Accept(
      {std::string(CookieValue(request, kLinkCookie)), password, Field(*form, "name")},
      ClientOf(request));
  if (!pair) {
    switch (pair.error().code) {
      case Errc::kWeakPassword:
      case Errc::kValidationFailed:
        return NewPasswordForm(request, pages, 422, true, *form, "sign_up.weak_password");
      case Errc::kInvalidToken:
      case Errc::kNotFound:
      case Errc::kConflict: return ExpiredLink(request, pages, "expired_link.invitation", "", "");
      default: return ErrorPage(request, pages, pair.error());
    }
  }
  Response response = PageRenderer::Redirect("/account");
  SetSessionCookies(response, *pair);
  SetPrivateCookie(response, kLinkCookie, "", 0);
  return response;
}

// ---- links that act on a press of a button: confirming an e-mail change from the new
// address, undoing it from the old one, and a new sign-in alert's "this wasn't me"

// What each link does, by its path; `use` gets the token and returns the account's address.
struct ActionLink {
  std::string_view path;
  const char* title_key;
  const char* body_key;    // what the button will do
  const char* submit_key;  // the button
  const char* done_key;    // what it did
  const char* expired_key;
  Result<std::string> (*use)(Services&, const std::string& token, const ClientInfo&);
};
constexpr ActionLink kConfirmLink = {
    "/confirm-email-change",
    "email_change.confirm_title",
    "email_change.confirm_body",
    "email_change.confirm",
    "email_change.confirmed",
    "expired_link.email_change",
    [](Services& s, const std::string& token, const ClientInfo& client) {
      return s.email_changes.Confirm(token, client);
    }};
constexpr ActionLink kUndoLink = {
    "/undo-email-change",
    "email_change.undo_title",
    "email_change.undo_body",
    "email_change.undo",
    "email_change.undone",
    "expired_link.email_change",
    [](Services& s, const std::string& token, const ClientInfo& client) {
      return s.email_changes.Undo(token, client);
    }};
constexpr ActionLink kNotMeLink = {
    "/not-me",
    "not_me.title",
    "not_me.body",
    "not_me.submit",
    "not_me.done",
    "expired_link.not_me",
    [](Services& s, const std::string& token, const ClientInfo& client) {
      return s.sign_in_alerts.NotMe(token, client);
    }};

// The link lands here (its token going into the link cookie) and asks for a press of the
// button: a mail scanner that opens links changes nothing.
Response ShowActionLink(const PageServices& pages, const Request& request, const ActionLink& link) {
  if (auto moved = TokenOutOfTheUrl(request, std::string(link.path))) return *moved;
  if (CookieValue(request, kLinkCookie).empty()) {
    return ExpiredLink(request, pages, link.expired_key, "", "");
  }
  Page page{.name = "link_action", .title_key = link.title_key};
  page.data = {{"action", link.path}};
  page.texts = {{"body_text", link.body_key}, {"submit_text", link.submit_key}};
  return pages.renderer.Render(request, std::move(page));
}

Response UseActionLink(PageServices& pages, const Request& request, const ActionLink& link) {
  Services& s = pages.api;
  auto form =
      ReadForm(request, pages, PageLimit{"verify_email", s.config.rate_limits.verify_email});
  if (!form) return ErrorPage(request, pages, form.error());
  auto email = link.use(s, std::string(CookieValue(request, kLinkCookie)), ClientOf(request));
  if (!email) {
    switch (email.error().code) {
      case Errc::kInvalidToken: return ExpiredLink(request, pages, link.expired_key, "", "");
      case Errc::kConflict:
        return ExpiredLink(request, pages, "expired_link.email_taken", "/account", "account.title");
      default: return ErrorPage(request, pages, email.error());
    }
  }
  Response response = Message(request, pages, 200, link.title_key, link.done_key, "/account",
                              "account.title", {{"email", *email}});
  SetPrivateCookie(response, kLinkCookie, "", 0);
  return response;
}

}  // namespace

void AddRecoveryPages(Router& router, PageServices& pages) {
  router.Add("GET", "/sign-up", OnPage(pages, ShowSignUp));
  router.Add("POST", "/sign-up", OnPage(pages, SubmitSignUp));
  router.Add("GET", "/verify-email", OnPage(pages, ShowVerifyEmail));
  router.Add("POST", "/verify-email", OnPage(pages, SubmitVerifyEmail));
  router.Add("GET", "/forgot-password", OnPage(pages, ShowForgot));
  router.Add("POST", "/forgot-password", OnPage(pages, SubmitForgot));
  router.Add("GET", "/reset-password", OnPage(pages, ShowReset));
  router.Add("POST", "/reset-password", OnPage(pages, SubmitReset));
  router.Add("GET", "/accept-invitation", OnPage(pages, ShowInvitation));
  router.Add("POST", "/accept-invitation", OnPage(pages, SubmitInvitation));
  for (const ActionLink* link : {&kConfirmLink, &kUndoLink, &kNotMeLink}) {
    router.Add("GET", std::string(link->path), [&pages, link](const Request& r, const PathParams&) {
      return ShowActionLink(pages, r, *link);
    });
    router.Add("POST", std::string(link->path),
               [&pages, link](const Request& r, const PathParams&) {
                 return UseActionLink(pages, r, *link);
               });
  }
}

}  // namespace gatehouse
