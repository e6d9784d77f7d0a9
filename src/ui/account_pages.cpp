// The account center: profile, password, sessions, the security log, connected apps.
#include <ctime>

#include "api/account_export.hpp"
#include "api/cookies.hpp"
#include "api/handler_support.hpp"
#include "auth/email_change_service.hpp"
#include "auth/password_service.hpp"
#include "auth/security_log.hpp"
#include "auth/session_service.hpp"
#include "auth/token_service.hpp"
#include "auth/user_administration.hpp"
#include "core/base64url_text.hpp"
#include "core/time_format.hpp"
#include "oidc/authorization_service.hpp"
#include "oidc/scopes.hpp"
#include "ui/page_routes.hpp"
#include "ui/security_events_view.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kAccount = "/account";
// The most recently active sessions the page lists; "sign out all other sessions" reaches the
// rest (a script or a shared account can leave hundreds).
constexpr std::size_t kSessionsShown = 30;
// The latest security log events the account center shows; /account/security-log pages
// through all of them, kEventsPerPage at a time.
constexpr int kRecentEvents = 5;
constexpr int kEventsPerPage = 50;

// What /account?done=… confirms after a form (a fixed list: the query cannot put any text on
// the page).
const std::map<std::string, std::string, std::less<>> kNotices = {
    {"password", "account.password_changed"}, {"session", "account.session_signed_out"},
    {"others", "account.others_signed_out"},  {"app", "account.app_disconnected"},
    {"email", "account.email_link_sent"},
};

std::string Place(const std::optional<Location>& location) {
  if (!location) return "";
  std::string place;
  for (const std::string* part : {&location->city, &location->region, &location->country}) {
    if (part->empty()) continue;
    if (!place.empty()) place += ", ";
    place += *part;
  }
  return place;
}

nlohmann::json SessionsOf(const std::vector<SessionView>& views, const std::string& current) {
  nlohmann::json list = nlohmann::json::array();
  for (const SessionView& v : views) {
    const SessionRecord& s = v.record;
    list.push_back({{"id", s.id},
                    {"current", s.id == current},
                    {"client", v.last_client.Shown()},
                    {"place", Place(v.last_location)},
                    {"ip", s.last_ip_address},
                    {"last_active", ShownTime(s.last_active)},
                    {"last_active_iso", FormatRfc3339(s.last_active)},
                    {"signed_in", ShownTime(s.login_time)},
                    {"signed_in_iso", FormatRfc3339(s.login_time)}});
  }
  return list;
}

nlohmann::json AppsOf(const std::vector<ConnectedApp>& apps) {
  nlohmann::json list = nlohmann::json::array();
  for (const ConnectedApp& app : apps) {
    list.push_back({{"client_id", app.client_id},
                    {"name", app.name},
                    {"email", HasScope(app.scope, "email")},
                    {"profile", HasScope(app.scope, "profile")},
                    {"offline", HasScope(app.scope, "offline_access")},
                    {"since", ShownTime(app.since)},
                    {"since_iso", FormatRfc3339(app.since)}});
  }
  return list;
}

// An error on one of the account center's forms: the catalog key of its message, and what the
// e-mail form had (shown again).
struct FormError {
  std::string password;   // on the password form
  std::string email;      // on the e-mail form
  std::string new_email;  // the address the e-mail form was sent with
  std::string deletion;   // on the account deletion form
};

// The account center for `visitor`, with `errors` on its forms.
Response AccountPage(PageServices& pages, const Request& request, const PageVisitor& visitor,
                     int status = 200, FormError errors = {}, std::string notice_key = "") {
  const UserRecord& user = visitor.caller.account;
  auto sessions =
      pages.api.sessions.ListRecent(user.id, kSessionsShown, visitor.caller.access.session_id);
  if (!sessions) return ErrorPage(request, pages, sessions.error());
  auto apps = pages.api.authorizations.ConnectedApps(user.id);
  if (!apps) return ErrorPage(request, pages, apps.error());
  auto events = pages.api.security_log.List({.user_id = user.id, .limit = kRecentEvents});
  if (!events) return ErrorPage(request, pages, events.error());
  Page page{.status = status, .name = "account", .title_key = "account.title"};
  page.data = {
      {"user",
       {{"name", user.name}, {"email", user.email}, {"email_verified", user.email_verified}}},
      {"sessions", SessionsOf(sessions->shown, visitor.caller.access.session_id)},
      {"has_other_sessions", sessions->total > 1},
      {"sessions_not_shown", sessions->total - sessions->shown.size()},
      {"events", SecurityEventsView(pages, request, *events)},
      {"apps", AppsOf(*apps)},
      {"has_second_factor", !user.second_factors.empty()},
      {"has_apps", !apps->empty()}};
  if (!errors.password.empty()) {
    page.data["password_error"] = true;
    page.texts["password_error_text"] = std::move(errors.password);
  }
  if (!errors.email.empty()) {
    page.data["email_error"] = true;
    bool password_wrong = errors.email == "account.wrong_password";
    page.data["email_password_error"] = password_wrong;
    page.data["email_address_error"] = !password_wrong;
    page.data["new_email"] = std::move(errors.new_email);
    page.texts["email_error_text"] = std::move(errors.email);
  }
  if (!errors.deletion.empty()) {
    page.data["delete_error"] = true;
    page.texts["delete_error_text"] = std::move(errors.deletion);
  }
  page.notice_key = std::move(notice_key);
  return RenderFor(pages, request, visitor, std::move(page));
}

Response ShowAccount(PageServices& pages, const Request& request) {
  auto visitor = SignedIn(request, pages);
  if (!visitor) return SignInFirst(kAccount);
  return AccountPage(pages, request, *visitor, 200, {}, NoticeFor(request, kNotices));
}

Response ChangePassword(PageServices& pages, const Request& request) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kAccount);
  if (refused) return *refused;
  std::string current = Field(form, "current_password");
  std::string fresh = Field(form, "new_password");
  if (current.size() > kMaxPasswordFieldBytes || fresh.size() > kMaxPasswordFieldBytes) {
    return AccountPage(pages, request, visitor, 400, {.password = "error.invalid_input"});
  }
  Status done = pages.api.passwords.ChangePassword(visitor.caller.access, current, fresh);
  if (!done) {
    switch (done.error().code) {
      case Errc::kInvalidCredentials:
        return AccountPage(pages, request, visitor, 401, {.password = "account.wrong_password"});
      case Errc::kWeakPassword:
      case Errc::kValidationFailed:
        return AccountPage(pages, request, visitor, 422, {.password = "sign_up.weak_password"});
      default: return ErrorPage(request, pages, done.error());
    }
  }
  return DoneRedirect(visitor, kAccount, "password");
}

// Asks for an e-mail address change: the link goes to the new address (EmailChangeService).
Response ChangeEmail(PageServices& pages, const Request& request) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kAccount);
  if (refused) return *refused;
  std::string new_email = Field(form, "new_email");
  std::string password = Field(form, "password");
  if (new_email.size() > kMaxEmailFieldBytes || password.size() > kMaxPasswordFieldBytes) {
    return AccountPage(pages, request, visitor, 400, {.email = "error.invalid_input"});
  }
  Status done = pages.api.email_changes.Request(visitor.caller.access, password, new_email);
  if (!done) {
    FormError error{.new_email = new_email};
    switch (done.error().code) {
      case Errc::kInvalidCredentials: error.email = "account.wrong_password"; break;
      case Errc::kValidationFailed: error.email = "account.email_invalid"; break;
      default: return ErrorPage(request, pages, done.error());
    }
    int status = done.error().code == Errc::kInvalidCredentials ? 401 : 422;
    return AccountPage(pages, request, visitor, status, std::move(error));
  }
  return DoneRedirect(visitor, kAccount, "email");
}

// Deletes the visitor's account (UserAdministration::DeleteOwn), and says so signed out.
Response DeleteAccount(PageServices& pages, const Request& request) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kAccount);
  if (refused) return *refused;
  std::string password = Field(form, "password");
  std::string code = Field(form, "code");
  if (password.size() > kMaxPasswordFieldBytes || code.size() > kMaxCodeBytes) {
    return AccountPage(pages, request, visitor, 400, {.deletion = "error.invalid_input"});
  }
  Status done = pages.api.users.DeleteOwn(visitor.caller.access, password, code);
  if (!done) {
    switch (done.error().code) {
      case Errc::kInvalidCredentials:
        return AccountPage(pages, request, visitor, 401, {.deletion = "account.wrong_password"});
      case Errc::kMfaInvalidCode:
      case Errc::kValidationFailed:
        return AccountPage(pages, request, visitor, 401, {.deletion = "account.delete_wrong_code"});
      case Errc::kConflict:
        return AccountPage(pages, request, visitor, 409, {.deletion = "account.delete_last_admin"});
      default: return ErrorPage(request, pages, done.error());
    }
  }
  Page page{.name = "message", .title_key = "account.deleted_title"};
  page.texts["body_text"] = "account.deleted";
  Response response = pages.renderer.Render(request, std::move(page));
  ClearSessionCookies(response);
  return response;
}

// GET /account/security-log[?cursor=<the last event id of the page before>]: the visitor's
// security log, newest first, a page at a time.
Response ShowSecurityLog(PageServices& pages, const Request& request) {
  auto visitor = SignedIn(request, pages);
  if (!visitor) return SignInFirst("/account/security-log");
  std::string cursor = FormDecode(request.QueryParam("cursor")).value_or("\x01");
  if (!IsServerMadeIdOrEmpty(cursor)) {
    return ErrorPage(request, pages, MakeError(Errc::kValidationFailed, "bad security log cursor"));
  }
  auto events = pages.api.security_log.List(
      {.user_id = visitor->caller.account.id, .before_id = cursor, .limit = kEventsPerPage});
  if (!events) return ErrorPage(request, pages, events.error());
  bool full = events->size() == static_cast<std::size_t>(kEventsPerPage);
  Page page{.name = "security_log", .title_key = "security_log.title"};
  page.data = {{"events", SecurityEventsView(pages, request, *events)},
               {"older", !cursor.empty()},
               {"next_cursor", full ? events->back().id : ""}};
  return RenderFor(pages, request, *visitor, std::move(page));
}

// GET /account/export: the visitor's data as GET /v1/me/export gives it, for download.
Response ExportData(PageServices& pages, const Request& request) {
  auto visitor = SignedIn(request, pages);
  if (!visitor) return SignInFirst("/account");
  auto exported = AccountExport(pages.api, visitor->caller);
  if (!exported) return ErrorPage(request, pages, exported.error());
  Response response = ExportAttachment(*exported);
  CopyCookies(visitor->cookies, response);
  return response;
}

// One session (session_id), every other one (scope=others) or all (scope=all, this one too).
Response SignOutSessions(PageServices& pages, const Request& request) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kAccount);
  if (refused) return *refused;
  SessionService& sessions = pages.api.sessions;
  const AccessContext& me = visitor.caller.access;
  std::string scope = Field(form, "scope");
  std::string session_id = Field(form, "session_id");
  if (scope == "all") {
    auto revoked = sessions.RevokeAll(me, me.user_id, "");
    if (!revoked) return ErrorPage(request, pages, revoked.error());
    Response response = PageRenderer::Redirect("/sign-in");
    ClearSessionCookies(response);
    return response;
  }
  if (scope == "others") {
    auto revoked = sessions.RevokeAll(me, me.user_id, me.session_id);
    if (!revoked) return ErrorPage(request, pages, revoked.error());
    return DoneRedirect(visitor, kAccount, "others");
  }
  if (session_id.empty() || session_id.size() > 64) {
    return ErrorPage(request, pages, MakeError(Errc::kValidationFailed, "no session to sign out"));
  }
  Status revoked = sessions.RevokeOne(me, me.user_id, session_id);
  // Another user's session is "not found" and stays signed in; the page says nothing more.
  if (!revoked && revoked.error().code != Errc::kNotFound) {
    return ErrorPage(request, pages, revoked.error());
  }
  if (session_id == me.session_id) {
    Response response = PageRenderer::Redirect("/sign-in");
    ClearSessionCookies(response);
    return response;
  }
  return DoneRedirect(visitor, kAccount, "session");
}

// Disconnects a connected app (client_id): its grants end, its consent is forgotten.
Response DisconnectApp(PageServices& pages, const Request& request) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kAccount);
  if (refused) return *refused;
  std::string client_id = Field(form, "client_id");
  if (client_id.empty() || client_id.size() > 64) {
    return ErrorPage(request, pages, MakeError(Errc::kValidationFailed, "no app to disconnect"));
  }
  Status done = pages.api.authorizations.Disconnect(visitor.caller.access.user_id, client_id);
  // An app that was not connected (or another user's) changes nothing; the page says so.
  if (!done && done.error().code != Errc::kNotFound) return ErrorPage(request, pages, done.error());
  return DoneRedirect(visitor, kAccount, "app");
}

}  // namespace

void AddAccountPages(Router& router, PageServices& pages) {
  router.Add("GET", "/account", OnPage(pages, ShowAccount));
  router.Add("POST", "/account/password", OnPage(pages, ChangePassword));
  router.Add("POST", "/account/email", OnPage(pages, ChangeEmail));
  router.Add("POST", "/account/delete", OnPage(pages, DeleteAccount));
  router.Add("GET", "/account/security-log", OnPage(pages, ShowSecurityLog));
  router.Add("GET", "/account/export", OnPage(pages, ExportData));
  router.Add("POST", "/account/sessions", OnPage(pages, SignOutSessions));
  router.Add("POST", "/account/apps", OnPage(pages, DisconnectApp));
}

void AddAllPages(Router& router, PageServices& pages) {
  std::size_t before = router.routes().size();
  AddSignInPages(router, pages);
  AddRecoveryPages(router, pages);
  AddAccountPages(router, pages);
  AddTwoFactorPages(router, pages);
  AddPasskeyPages(router, pages);
  AddOidcPages(router, pages);
  std::vector<std::string> pages_to_open;
  for (std::size_t i = before; i < router.routes().size(); ++i) {
    if (router.routes()[i].method == "GET") pages_to_open.push_back(router.routes()[i].pattern);
  }
  for (const std::string& pattern : pages_to_open) {
    router.Wrap("GET", pattern, [&pages](Handler page) -> Handler {
      return [&pages, page = std::move(page)](const Request& request, const PathParams& params) {
        if (auto there = LoopbackAliasRedirect(request, pages.api.config.server.public_url)) {
          Response moved;
          moved.status = 307;
          moved.SetHeader("Location", *there);
          return moved;
        }
        return page(request, params);
      };
    });
  }
  router.Add("GET", "/ui/{file}", [&pages](const Request&, const PathParams& params) {
    return pages.renderer.Asset(params.at("file"));
  });
}

}  // namespace gatehouse
