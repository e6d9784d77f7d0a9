#include "api/user_json.hpp"

#include "auth/mfa_factors.hpp"
#include "core/time_format.hpp"

namespace gatehouse {

nlohmann::json UserJson(const UserRecord& user) {
  auto has = [&user](FactorMethod method) { return HasSecondFactor(user, method); };
  return {{"user_id", user.id},
          {"email", user.email},
          {"name", user.name},
          {"email_verified", user.email_verified},
          {"roles", nlohmann::json::array({user.role})},
          {"mfa",
           {{"totp", has(FactorMethod::kTotp)},
            {"email", has(FactorMethod::kEmail)},
            {"sms", has(FactorMethod::kSms)},
            {"webauthn", has(FactorMethod::kWebauthn)}}},
          {"created_at", FormatRfc3339(user.created_at)}};
}

nlohmann::json AdminUserJson(const UserRecord& user) {
  nlohmann::json json = UserJson(user);
  json["status"] = user.disabled_at == 0 ? "active" : "disabled";
  json["disabled_at"] = user.disabled_at == 0 ? nlohmann::json(nullptr)
                                              : nlohmann::json(FormatRfc3339(user.disabled_at));
  json["updated_at"] = FormatRfc3339(user.updated_at);
  return json;
}

}  // namespace gatehouse
