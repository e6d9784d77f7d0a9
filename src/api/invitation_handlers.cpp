#include <nlohmann/json.hpp>

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/invitation_service.hpp"
#include "core/time_format.hpp"

namespace gatehouse {
namespace {

nlohmann::json InvitationJson(const InvitationRecord& i) {
  return {{"invitation_id", i.id},
          {"email", i.email},
          {"role", i.role},
          {"invited_by", i.invited_by ? nlohmann::json(*i.invited_by) : nlohmann::json(nullptr)},
          {"created_at", FormatRfc3339(i.created_at)},
          {"expires_at", FormatRfc3339(i.expires_at)}};
}

Response Invite(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(email, body.RequiredString("email", kMaxEmailFieldBytes));
  GH_TRY(role, body.OptionalString("role", 16));
  GH_TRY(invitation, s.invitations.Invite(caller, email, role.empty() ? "user" : role));
  return JsonResponse(201, InvitationJson(invitation));
}

Response ListInvitations(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(pending, s.invitations.ListPending());
  nlohmann::json list = nlohmann::json::array();
  for (const InvitationRecord& i : pending) list.push_back(InvitationJson(i));
  return JsonResponse(200, {{"invitations", list}});
}

Response RevokeInvitation(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  Status done = s.invitations.Revoke(params.at("id"));
  if (!done) return ProblemResponse(done.error());
  return Response::NoContent();
}

Response AcceptInvitation(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(token, body.RequiredString("token", kMaxTokenFieldBytes));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(name, body.OptionalString("name", kMaxNameFieldBytes));
  GH_TRY(pair, s.invitations.Accept({token, password, name}, ClientOf(request)));
  return TokenPairResponse(s, pair, 201);
}

}  // namespace

void AddInvitationRoutes(Router& router, Services& s) {
  router.Add("POST", "/v1/invitations", Bind(s, Invite));
  router.Add("GET", "/v1/invitations", Bind(s, ListInvitations));
  router.Add("DELETE", "/v1/invitations/{id}", Bind(s, RevokeInvitation));
  router.Add("POST", "/v1/invitations/accept", Bind(s, AcceptInvitation));
}

}  // namespace gatehouse
