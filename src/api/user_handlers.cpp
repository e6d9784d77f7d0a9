// /v1/users: administrators find, create, change, disable and delete users (docs/api.md).
#include <nlohmann/json.hpp>

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "api/user_json.hpp"
#include "auth/user_administration.hpp"
#include "core/form_encoding.hpp"
#include "core/json_text.hpp"

namespace gatehouse {
namespace {

Error BadQuery(const char* name, std::string detail) {
  return MakeError(Errc::kValidationFailed, std::string("bad query ") + name, std::move(detail));
}

// The query of GET /v1/users: q, role, status, verified, limit, cursor.
Result<UserListQuery> ListQueryOf(const Request& request) {
  UserListQuery query;
  auto text = [&request](const char* name) -> Result<std::string> {
    auto value = FormDecode(request.QueryParam(name));
    if (!value) return BadQuery(name, std::string("'") + name + "' is not percent-encoded right.");
    return *value;
  };
  for (auto [name, into] :
       {std::pair{"q", &query.search}, std::pair{"role", &query.role},
        std::pair{"status", &query.status}, std::pair{"cursor", &query.cursor}}) {
    auto value = text(name);
    if (!value) return value.error();
    *into = std::move(*value);
  }
  auto verified = text("verified");
  if (!verified) return verified.error();
  if (*verified == "true" || *verified == "false") {
    query.email_verified = *verified == "true";
  } else if (!verified->empty()) {
    return BadQuery("verified", "'verified' must be true or false.");
  }
  auto limit = PageLimitOf(request, query.limit);
  if (!limit) return limit.error();
  query.limit = *limit;
  return query;
}

// `roles`, when given: exactly one of the roles, as GET shows them.
Result<std::optional<std::string>> RoleOf(const JsonBody& body) {
  if (!body.Has("roles")) return std::optional<std::string>();
  auto roles = body.RequiredStringArray("roles", 1, 16);
  if (!roles) return roles.error();
  if (roles->size() != 1) {
    return MakeError(Errc::kValidationFailed, "bad roles",
                     "'roles' must be [\"user\"] or [\"admin\"].");
  }
  return std::optional<std::string>(roles->front());
}

Response UserResponse(const UserRecord& user, int status = 200) {
  return JsonResponse(status, AdminUserJson(user));
}

Response ListUsers(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(query, ListQueryOf(request));
  GH_TRY(page, s.users.List(query));
  nlohmann::json users = nlohmann::json::array();
  for (const UserRecord& user : page.users) users.push_back(AdminUserJson(user));
  return JsonResponse(200, {{"users", users}, {"next_cursor", TextOrNull(page.next_cursor)}});
}

Response CreateUser(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  NewUser wanted;
  GH_TRY(email, body.RequiredString("email", kMaxEmailFieldBytes));
  GH_TRY(name, body.OptionalString("name", kMaxNameFieldBytes));
  GH_TRY(password, body.OptionalString("password", kMaxPasswordFieldBytes));
  GH_TRY(role, RoleOf(body));
  GH_TRY(verified, body.OptionalBool("email_verified", true));
  GH_TRY(send_link, body.OptionalBool("send_password_link", false));
  wanted.email = email;
  wanted.name = name;
  wanted.password = password;
  wanted.role = role.value_or("user");
  wanted.email_verified = verified;
  wanted.send_password_link = send_link;
  GH_TRY(user, s.users.Create(caller, wanted));
  Response response = UserResponse(user, 201);
  response.SetHeader("Location", "/v1/users/" + user.id);
  return response;
}

Response GetUser(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(user, s.users.Find(params.at("user_id")));
  return UserResponse(user);
}

Response UpdateUser(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  UserChanges changes;
  if (body.Has("name")) {
    GH_TRY(name, body.RequiredString("name", kMaxNameFieldBytes));
    changes.name = name;
  }
  GH_TRY(role, RoleOf(body));
  changes.role = role;
  if (body.Has("email_verified")) {
    GH_TRY(verified, body.OptionalBool("email_verified", false));
    changes.email_verified = verified;
  }
  if (!changes.name && !changes.role && !changes.email_verified) {
    return ProblemResponse(MakeError(Errc::kValidationFailed, "nothing to change",
                                     "Give name, roles or email_verified."));
  }
  GH_TRY(user, s.users.Update(caller, params.at("user_id"), changes));
  return UserResponse(user);
}

Response DisableUser(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  GH_TRY(user, s.users.Disable(caller, params.at("user_id")));
  return UserResponse(user);
}

Response EnableUser(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  GH_TRY(user, s.users.Enable(caller, params.at("user_id")));
  return UserResponse(user);
}

Response SendPasswordReset(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  if (Status sent = s.users.SendPasswordReset(caller, params.at("user_id")); !sent) {
    return ProblemResponse(sent.error());
  }
  return Response::NoContent();
}

Response DeleteUser(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  if (Status deleted = s.users.Delete(caller, params.at("user_id")); !deleted) {
    return ProblemResponse(deleted.error());
  }
  return Response::NoContent();
}

}  // namespace

void AddUserRoutes(Router& router, Services& s) {
  router.Add("GET", "/v1/users", Bind(s, ListUsers));
  router.Add("POST", "/v1/users", Bind(s, CreateUser));
  router.Add("GET", "/v1/users/{user_id}", Bind(s, GetUser));
  router.Add("PATCH", "/v1/users/{user_id}", Bind(s, UpdateUser));
  router.Add("DELETE", "/v1/users/{user_id}", Bind(s, DeleteUser));
  router.Add("POST", "/v1/users/{user_id}/disable", Bind(s, DisableUser));
  router.Add("POST", "/v1/users/{user_id}/enable", Bind(s, EnableUser));
  router.Add("POST", "/v1/users/{user_id}/reset-password", Bind(s, SendPasswordReset));
}

}  // namespace gatehouse
