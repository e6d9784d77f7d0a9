// The browser's side of the OpenID Connect authorization code flow: GET /oauth2/authorize
// checks the request, then sends the person to sign in (and back), to the consent page, or
// straight back to the client with a code.
#include "ui/oidc_pages.hpp"

#include "api/cookies.hpp"
#include "auth/session_service.hpp"
#include "crypto/jwt.hpp"
#include "oidc/authorization_service.hpp"
#include "oidc/scopes.hpp"
#include "ui/page_routes.hpp"

namespace gatehouse {
namespace {

std::string ContinueUrl(std::string_view held_id) {
  return std::string(kAuthorizeContinuePath) + "?request=" + std::string(held_id);
}

// A refusal the client must not hear of (its redirect URI is not known good) is shown; any
// other goes back to the client.
Response Refuse(const Request& request, PageServices& pages, const AuthorizationRefusal& refusal,
                const Response* cookies = nullptr) {
  if (refusal.redirect_uri.empty()) {
    Page page{.status = 400, .name = "message", .title_key = "authorize.error_title"};
    page.data = {{"description", refusal.description}};
    page.texts["body_text"] = "authorize.error_body";
    return pages.renderer.Render(request, std::move(page));
  }
  Response response = PageRenderer::Redirect(pages.api.authorizations.RefusalRedirect(refusal));
  if (cookies) CopyCookies(*cookies, response);
  return response;
}

Response ConsentPage(const Request& request, PageServices& pages, const PageVisitor& visitor,
                     const AuthorizationRequest& ar, const std::string& held_id) {
  Page page{.name = "consent", .title_key = "consent.title"};
  page.data = {{"client_name", ar.client.name},
               {"email", visitor.caller.account.email},
               {"request_id", held_id},
               {"wants_profile", HasScope(ar.scope, "profile")},
               {"wants_email", HasScope(ar.scope, "email")},
               {"wants_offline", HasScope(ar.scope, "offline_access")}};
  page.texts = {
      {"consent_intro", "consent.intro"},       {"consent_account", "consent.account"},
      {"scope_openid", "consent.scope.openid"}, {"scope_profile", "consent.scope.profile"},
      {"scope_email", "consent.scope.email"},   {"scope_offline", "consent.scope.offline_access"}};
  page.form_origins = {FormOriginOf(ar.redirect_uri)};
  return RenderFor(pages, request, visitor, std::move(page));
}

// The step after a checked request: `held` is the held request once it has been held (before,
// nullopt, and `query` is the request to hold if needed).
Response Proceed(const Request& request, PageServices& pages, const AuthorizationRequest& ar,
                 const HeldRequest* held, std::string_view query) {
  AuthorizationService& authorizations = pages.api.authorizations;
  std::optional<PageVisitor> visitor = SignedIn(request, pages);
  std::optional<SignInSession> session;
  if (visitor) {
    auto found = authorizations.SignInSessionOf(visitor->caller.access.session_id);
    if (!found) return ErrorPage(request, pages, found.error());
    session = *found;
  }
  auto next = authorizations.NextStep(
      ar, held ? std::optional<std::int64_t>(held->first_seen) : std::nullopt, session);
  if (!next) return ErrorPage(request, pages, next.error());
  const Response* cookies = visitor ? &visitor->cookies : nullptr;
  if (auto* refusal = std::get_if<AuthorizationRefusal>(&*next)) {
    return Refuse(request, pages, *refusal, cookies);
  }
  AuthorizationStep step = std::get<AuthorizationStep>(*next);
  if (step == AuthorizationStep::kIssueCode) {
    auto redirect = authorizations.IssueCode(ar, *session);
    if (!redirect) return ErrorPage(request, pages, redirect.error());
    Response response = PageRenderer::Redirect(*redirect);
    if (cookies) CopyCookies(*cookies, response);
    return response;
  }
  std::string held_id = held ? held->id : "";
  if (held_id.empty()) {
    auto id = authorizations.Hold(query);
    if (!id) return ErrorPage(request, pages, id.error());
    held_id = *id;
  }
  if (step == AuthorizationStep::kConsent) {
    return ConsentPage(request, pages, *visitor, ar, held_id);
  }
  // Signed in already but too long ago (prompt=login, max_age): the form, not a pass-through.
  std::string location = "/sign-in?return_to=" + PercentEncode(ContinueUrl(held_id));
  if (session) location += "&reauth=1";
  if (!ar.login_hint.empty()) location += "&login_hint=" + PercentEncode(ar.login_hint);
  Response response = PageRenderer::Redirect(location);
  if (cookies) CopyCookies(*cookies, response);
  return response;
}

Response Authorize(PageServices& pages, const Request& request) {
  auto parsed = pages.api.authorizations.Parse(request.query);
  if (!parsed) return ErrorPage(request, pages, parsed.error());
  if (auto* refusal = std::get_if<AuthorizationRefusal>(&*parsed)) {
    return Refuse(request, pages, *refusal);
  }
  return Proceed(request, pages, std::get<AuthorizationRequest>(*parsed), nullptr, request.query);
}

// A held request, or the page that says it is gone.
using Held = std::variant<HeldRequest, Response>;
Held ResumeHeld(const Request& request, PageServices& pages, std::string_view id) {
  auto resumed = pages.api.authorizations.Resume(id);
  if (!resumed) return ErrorPage(request, pages, resumed.error());
  if (!*resumed) {
    Page page{.status = 400, .name = "message", .title_key = "authorize.expired_title"};
    page.texts["body_text"] = "authorize.expired_body";
    return pages.renderer.Render(request, std::move(page));
  }
  if (auto* refusal = std::get_if<AuthorizationRefusal>(&**resumed)) {
    return Refuse(request, pages, *refusal);
  }
  return std::get<HeldRequest>(std::move(**resumed));
}

Response Continue(PageServices& pages, const Request& request) {
  std::string id = FormDecode(request.QueryParam("request")).value_or("");
  Held held = ResumeHeld(request, pages, id);
  if (auto* answer = std::get_if<Response>(&held)) return std::move(*answer);
  auto& h = std::get<HeldRequest>(held);
  return Proceed(request, pages, h.request, &h, "");
}

Response Decide(PageServices& pages, const Request& request) {
  auto post = ReadSignedInPost(request, pages, "/");
  if (post.refused) return std::move(*post.refused);
  Held held = ResumeHeld(request, pages, Field(post.form, "request"));
  if (auto* answer = std::get_if<Response>(&held)) return std::move(*answer);
  auto& h = std::get<HeldRequest>(held);
  AuthorizationService& authorizations = pages.api.authorizations;
  if (Field(post.form, "decision") != "allow") {
    return Refuse(
        request, pages,
        {"access_denied", "The user denied the request.", h.request.redirect_uri, h.request.state},
        &post.visitor.cookies);
  }
  auto session = authorizations.SignInSessionOf(post.visitor.caller.access.session_id);
  if (!session) return ErrorPage(request, pages, session.error());
  if (!*session) return SignInFirst(ContinueUrl(h.id));
  if (Status recorded =
          authorizations.RecordConsent((*session)->user_id, h.request.client.id, h.request.scope);
      !recorded) {
    return ErrorPage(request, pages, recorded.error());
  }
  auto redirect = authorizations.IssueCode(h.request, **session);
  if (!redirect) return ErrorPage(request, pages, redirect.error());
  Response response = PageRenderer::Redirect(*redirect);
  CopyCookies(post.visitor.cookies, response);
  return response;
}

// An RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), checked.
struct LogoutRequest {
  std::optional<OAuthClientRecord> client;
  std::string hint_sid;                  // the id_token_hint's sign-in session, if any
  std::string post_logout_redirect_uri;  // one the client registered, or empty
  std::string state;
};

// Checks the parameters; a text for the error page when they do not hold together (then
// nobody is redirected anywhere).
std::variant<LogoutRequest, std::string> ReadLogout(
    PageServices& pages, const std::function<std::string(std::string_view)>& param) {
  LogoutRequest logout;
  std::string client_id = param("client_id");
  if (std::string hint = param("id_token_hint"); !hint.empty()) {
    auto payload = VerifyJwsPayload(
        hint, [&](std::string_view kid) { return pages.api.keys.FindOrReload(kid); }, "JWT");
    auto claims = payload ? nlohmann::json::parse(*payload, nullptr, false) : nlohmann::json();
    if (!payload || !claims["iss"].is_string() || claims["iss"] != pages.api.config.tokens.issuer ||
        !claims["aud"].is_string()) {
      return std::string("The id_token_hint is not an ID token Gatehouse issued.");
    }
    if (!client_id.empty() && claims["aud"] != client_id) {
      return std::string("The id_token_hint is not this client's.");
    }
    client_id = claims["aud"].get<std::string>();
    if (claims["sid"].is_string()) logout.hint_sid = claims["sid"].get<std::string>();
  }
  if (!client_id.empty()) {
    auto client = pages.api.clients.Find(client_id);
    if (!client) return std::string("The client is unknown.");
    logout.client = *client;
  }
  logout.post_logout_redirect_uri = param("post_logout_redirect_uri");
  if (!logout.post_logout_redirect_uri.empty()) {
    const auto& registered =
        logout.client ? logout.client->post_logout_redirect_uris : std::vector<std::string>{};
    bool known = std::any_of(registered.begin(), registered.end(), [&](const std::string& uri) {
      return uri == logout.post_logout_redirect_uri;
    });
    if (!known) {
      return std::string("The post_logout_redirect_uri is not one registered for the client.");
    }
  }
  logout.state = param("state");
  if (logout.state.size() > 2048) return std::string("state is too long.");
  return logout;
}

// Where the browser goes once signed out: the client's page (with its state), or ours.
Response AfterLogout(const Request& request, PageServices& pages, const LogoutRequest& logout) {
  if (!logout.post_logout_redirect_uri.empty()) {
    std::vector<std::pair<std::string, std::string>> parameters;
    if (!logout.state.empty()) parameters.emplace_back("state", logout.state);
    Response response =
        PageRenderer::Redirect(RedirectWith(logout.post_logout_redirect_uri, parameters));
    ClearSessionCookies(response);
    return response;
  }
  Page page{.name = "sign_out", .title_key = "sign_out.title", .notice_key = "sign_out.done"};
  page.data = {{"signed_in", false}};
  Response response = pages.renderer.Render(request, std::move(page));
  ClearSessionCookies(response);
  return response;
}

Response LogoutError(const Request& request, PageServices& pages, const std::string& why) {
  Page page{.status = 400, .name = "message", .title_key = "logout.error_title"};
  page.data = {{"description", why}};
  page.texts["body_text"] = "logout.error_body";
  return pages.renderer.Render(request, std::move(page));
}

Response ShowLogout(PageServices& pages, const Request& request) {
  auto read = ReadLogout(pages, [&](std::string_view name) {
    return FormDecode(request.QueryParam(name)).value_or("");
  });
  if (auto* why = std::get_if<std::string>(&read)) return LogoutError(request, pages, *why);
  auto& logout = std::get<LogoutRequest>(read);
  auto visitor = SignedIn(request, pages);
  if (!visitor) return AfterLogout(request, pages, logout);
  // The app proved which sign-in it means (the ID token names this very session): no need
  // to ask. Anything else could be a page tricking the browser here, so the person confirms.
  if (!logout.hint_sid.empty() && logout.hint_sid == visitor->caller.access.session_id) {
    auto revoked = pages.api.sessions.SignOut(visitor->caller.access);
    if (!revoked) return ErrorPage(request, pages, revoked.error());
    return AfterLogout(request, pages, logout);
  }
  Page page{.name = "sign_out", .title_key = "sign_out.title"};
  page.data = {{"signed_in", true},
               {"logout", true},
               {"client_id", logout.client ? logout.client->id : ""},
               {"client_name", logout.client ? logout.client->name : ""},
               {"post_logout_redirect_uri", logout.post_logout_redirect_uri},
               {"state", logout.state}};
  page.texts["logout_asked_by"] = "sign_out.asked_by";
  if (!logout.post_logout_redirect_uri.empty()) {
    page.form_origins = {FormOriginOf(logout.post_logout_redirect_uri)};
  }
  return RenderFor(pages, request, *visitor, std::move(page));
}

Response SubmitLogout(PageServices& pages, const Request& request) {
  auto form = ReadForm(request, pages);
  if (!form) return ErrorPage(request, pages, form.error());
  auto read = ReadLogout(pages, [&](std::string_view name) { return Field(*form, name); });
  if (auto* why = std::get_if<std::string>(&read)) return LogoutError(request, pages, *why);
  if (auto visitor = SignedIn(request, pages)) {
    auto revoked = pages.api.sessions.SignOut(visitor->caller.access);
    if (!revoked) return ErrorPage(request, pages, revoked.error());
  }
  return AfterLogout(request, pages, std::get<LogoutRequest>(read));
}

}  // namespace

std::vector<std::string> AuthorizationFormOrigins(const PageServices& pages,
                                                  std::string_view return_to) {
  std::string prefix = ContinueUrl("");
  if (!return_to.starts_with(prefix)) return {};
  auto resumed = pages.api.authorizations.Resume(return_to.substr(prefix.size()));
  if (!resumed || !*resumed) return {};
  if (auto* held = std::get_if<HeldRequest>(&**resumed)) {
    return {FormOriginOf(held->request.redirect_uri)};
  }
  return {FormOriginOf(std::get<AuthorizationRefusal>(**resumed).redirect_uri)};
}

void AddOidcPages(Router& router, PageServices& pages) {
  router.Add("GET", "/oauth2/authorize", OnPage(pages, Authorize));
  router.Add("GET", std::string(kAuthorizeContinuePath), OnPage(pages, Continue));
  router.Add("POST", "/oauth2/consent", OnPage(pages, Decide));
  router.Add("GET", "/oauth2/logout", OnPage(pages, ShowLogout));
  router.Add("POST", "/oauth2/logout", OnPage(pages, SubmitLogout));
}

}  // namespace gatehouse
