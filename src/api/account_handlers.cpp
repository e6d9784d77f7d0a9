#include <nlohmann/json.hpp>

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/account_service.hpp"
#include "auth/mfa_service.hpp"
#include "core/time_format.hpp"

namespace gatehouse {
namespace {

Response Me(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateWithAccount(request, s));
  const UserRecord& user = caller.account;
  auto has = [&user](std::string_view method) { return HasSecondFactor(user, method); };
  return JsonResponse(
      200, {{"user_id", user.id},
            {"email", user.email},
            {"name", user.name},
            {"email_verified", user.email_verified},
            {"roles", nlohmann::json::array({user.role})},
            {"mfa", {{"totp", has("totp")}, {"email", has("email")}, {"sms", has("sms")}}},
            {"created_at", FormatRfc3339(user.created_at)}});
}

}  // namespace

void AddAccountRoutes(Router& router, Services& s) {
  router.Add(
      "GET", "/v1/me", [&s](const Request& request, const PathParams&) { return Me(s, request); },
      Execution::kStorage);
}

}  // namespace gatehouse
