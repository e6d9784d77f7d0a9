#include <nlohmann/json.hpp>

#include "api/account_export.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "api/user_json.hpp"
#include "auth/account_service.hpp"
#include "auth/email_change_service.hpp"
#include "auth/session_service.hpp"
#include "auth/sign_in_alerts.hpp"
#include "auth/user_administration.hpp"

namespace gatehouse {
namespace {

Response MeResponse(const UserRecord& user) { return JsonResponse(200, UserJson(user)); }

Response Me(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateWithAccount(request, s));
  return MeResponse(caller.account);
}

// /v1/me without blocking an I/O thread (PostgreSQL): answered from the asynchronous query
// of the session and its owner; a rotated token, a database error or an activity write due
// go to a worker and Me.
void MeAsync(Services& s, const Request& request, Answer answer) {
  auto on_worker = [&s, &request, answer] {
    answer.on_worker([&s, &request] { return Me(s, request); });
  };
  auto token = AccessTokenOf(request, s);
  if (!token) return answer.now(ProblemResponse(token.error()));
  bool asked = s.tokens.AuthenticateWithAccountAsync(
      *token, [&s, answer, on_worker](std::optional<Result<AuthenticatedAccount>> caller) {
        if (!caller) return on_worker();
        if (!*caller) return answer.now(ProblemResponse(caller->error()));
        if (s.sessions.ActivityMayBeDue((*caller)->access)) return on_worker();
        answer.now(MeResponse((*caller)->account));
      });
  if (!asked) on_worker();
}

// GET /v1/me/export: what Gatehouse holds about the caller, as a JSON attachment.
Response ExportMe(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateWithAccount(request, s));
  GH_TRY(exported, AccountExport(s, caller));
  return ExportAttachment(exported);
}

// DELETE /v1/me {password, code?}: 204, the account and everything of it gone.
Response DeleteMe(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(code, body.OptionalString("code", kMaxCodeBytes));
  Status done = s.users.DeleteOwn(caller, password, code);
  if (!done) return ProblemResponse(done.error());
  return Response::NoContent();
}

// POST /v1/me/email {password, new_email}: 202 whether or not the address is free.
Response RequestEmailChange(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(new_email, body.RequiredString("new_email", kMaxEmailFieldBytes));
  Status done = s.email_changes.Request(caller, password, new_email);
  if (!done) return ProblemResponse(done.error());
  return JsonResponse(202, nlohmann::json::object());
}

// POST /v1/auth/email-change/confirm and …/undo {token}: 200 {email}, the account's address.
template <Result<std::string> (EmailChangeService::*use)(const std::string&, const ClientInfo&)>
Response UseEmailChangeLink(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(token, body.RequiredString("token", kMaxTokenFieldBytes));
  GH_TRY(email, (s.email_changes.*use)(token, ClientOf(request)));
  return JsonResponse(200, {{"email", email}});
}

// POST /v1/auth/sign-in-alert/not-me {token}: 200 {email}; the alert's session is signed out
// and a link to choose a new password is on its way to that address.
Response DisownSignIn(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(token, body.RequiredString("token", kMaxTokenFieldBytes));
  GH_TRY(email, s.sign_in_alerts.NotMe(token, ClientOf(request)));
  return JsonResponse(200, {{"email", email}});
}

}  // namespace

void AddAccountRoutes(Router& router, Services& s) {
  router.Add("DELETE", "/v1/me", Bind(s, DeleteMe));
  router.Add("GET", "/v1/me/export", Bind(s, ExportMe));
  router.Add("POST", "/v1/me/email", Bind(s, RequestEmailChange));
  router.Add("POST", "/v1/auth/email-change/confirm",
             Bind(s, UseEmailChangeLink<&EmailChangeService::Confirm>));
  router.Add("POST", "/v1/auth/email-change/undo",
             Bind(s, UseEmailChangeLink<&EmailChangeService::Undo>));
  router.Add("POST", "/v1/auth/sign-in-alert/not-me", Bind(s, DisownSignIn));
  router.Add(
      "GET", "/v1/me", [&s](const Request& request, const PathParams&) { return Me(s, request); },
      Execution::kStorage);
  // On PostgreSQL the account is read without holding a thread (store/pg_pipeline.hpp).
  if (s.db.dialect() == Database::Dialect::kPostgres) {
    router.SetAsync("GET", "/v1/me", [&s](const Request& r, const PathParams&, Answer a) {
      MeAsync(s, r, std::move(a));
    });
  }
}

}  // namespace gatehouse
