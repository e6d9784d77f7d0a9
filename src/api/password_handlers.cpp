#include <nlohmann/json.hpp>

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/password_service.hpp"

namespace gatehouse {
namespace {

Response ChangePassword(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(current, body.RequiredString("current_password", kMaxPasswordFieldBytes));
  GH_TRY(fresh, body.RequiredString("new_password", kMaxPasswordFieldBytes));
  Status done = s.passwords.ChangePassword(caller, current, fresh);
  if (!done) return ProblemResponse(done.error());
  return JsonResponse(200, nlohmann::json::object());
}

Response ForgotPassword(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(email, body.RequiredString("email", kMaxEmailFieldBytes));
  Status done = s.passwords.ForgotPassword(email, ClientOf(request));
  if (!done) return ProblemResponse(done.error());
  return JsonResponse(202, nlohmann::json::object());
}

Response ResetPassword(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(token, body.RequiredString("token", kMaxTokenFieldBytes));
  GH_TRY(fresh, body.RequiredString("new_password", kMaxPasswordFieldBytes));
  Status done = s.passwords.ResetPassword(token, fresh, ClientOf(request));
  if (!done) return ProblemResponse(done.error());
  return JsonResponse(200, nlohmann::json::object());
}

}  // namespace

void AddPasswordRoutes(Router& router, Services& s) {
  router.Add("POST", "/v1/auth/change-password", Bind(s, ChangePassword));
  router.Add("POST", "/v1/auth/forgot-password", Bind(s, ForgotPassword));
  router.Add("POST", "/v1/auth/reset-password", Bind(s, ResetPassword));
}

}  // namespace gatehouse
