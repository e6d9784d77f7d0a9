#include <nlohmann/json.hpp>

#include "api/account_json.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/account_service.hpp"
#include "auth/session_service.hpp"
#include "core/time_format.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxSessionIds = 100;
constexpr std::size_t kMaxSessionIdBytes = 64;

Response SessionList(Services& s, const std::string& user_id, const std::string& current) {
  GH_TRY(views, s.sessions.List(user_id));
  nlohmann::json list = nlohmann::json::array();
  for (const SessionView& v : views) list.push_back(SessionJson(v, current));
  return JsonResponse(200, {{"sessions", list}});
}

Response Revoked(const Status& done) {
  if (!done) return ProblemResponse(done.error());
  return Response::NoContent();
}

// ?except_current=true|false (absent: false).
Result<bool> ExceptCurrent(const Request& request) {
  std::string_view value = request.QueryParam("except_current");
  if (value.empty() || value == "false") return false;
  if (value == "true") return true;
  return MakeError(Errc::kValidationFailed, "bad except_current",
                   "'except_current' must be true or false.");
}

// The user an administrator names in the path; kNotFound when there is none.
Status RequireUser(Services& s, const std::string& user_id) {
  auto user = s.accounts.FindUser(user_id);
  if (!user && user.error().code == Errc::kTokenRevoked) {
    return MakeError(Errc::kNotFound, "no such user");
  }
  if (!user) return user.error();
  return Ok{};
}

Response ListMine(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  return SessionList(s, caller.user_id, caller.session_id);
}

Response RevokeMine(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, Authenticate(request, s));
  return Revoked(s.sessions.RevokeOne(caller, caller.user_id, params.at("session_id")));
}

Response RevokeAllMine(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(except_current, ExceptCurrent(request));
  GH_TRY(count,
         s.sessions.RevokeAll(caller, caller.user_id, except_current ? caller.session_id : ""));
  (void)count;
  return Response::NoContent();
}

Response RevokeSomeOfMine(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(ids, body.RequiredStringArray("session_ids", kMaxSessionIds, kMaxSessionIdBytes));
  GH_TRY(count, s.sessions.RevokeSome(caller, caller.user_id, ids));
  return JsonResponse(200, {{"revoked", count}});
}

Response ListUsers(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  const std::string& user_id = params.at("user_id");
  if (Status exists = RequireUser(s, user_id); !exists) return ProblemResponse(exists.error());
  return SessionList(s, user_id, caller.session_id);
}

Response RevokeUsers(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  return Revoked(s.sessions.RevokeOne(caller, params.at("user_id"), params.at("session_id")));
}

Response RevokeAllUsers(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  const std::string& user_id = params.at("user_id");
  if (Status exists = RequireUser(s, user_id); !exists) return ProblemResponse(exists.error());
  GH_TRY(except_current, ExceptCurrent(request));
  GH_TRY(count, s.sessions.RevokeAll(caller, user_id, except_current ? caller.session_id : ""));
  (void)count;
  return Response::NoContent();
}

}  // namespace

void AddSessionRoutes(Router& router, Services& s) {
  router.Add("GET", "/v1/me/sessions", Bind(s, ListMine));
  router.Add("DELETE", "/v1/me/sessions", Bind(s, RevokeAllMine));
  router.Add("POST", "/v1/me/sessions/revoke", Bind(s, RevokeSomeOfMine));
  router.Add("DELETE", "/v1/me/sessions/{session_id}", Bind(s, RevokeMine));
  router.Add("GET", "/v1/users/{user_id}/sessions", Bind(s, ListUsers));
  router.Add("DELETE", "/v1/users/{user_id}/sessions", Bind(s, RevokeAllUsers));
  router.Add("DELETE", "/v1/users/{user_id}/sessions/{session_id}", Bind(s, RevokeUsers));
}

}  // namespace gatehouse
