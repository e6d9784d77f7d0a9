#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// A second factor's method: what a user enrols, what a sign-in offers, and its name in the
// API, the pages and the database ("totp", "email", "sms", "recovery_code").
enum class FactorMethod { kTotp, kEmail, kSms, kRecoveryCode };

// The method named `name`; nullopt for any other text.
std::optional<FactorMethod> ParseFactorMethod(std::string_view name);
std::string_view NameOf(FactorMethod method);
std::vector<std::string> NamesOf(const std::vector<FactorMethod>& methods);

// Methods whose codes Gatehouse sends (by e-mail, by SMS).
bool SendsCodes(FactorMethod method);
// Methods a user sets up one by one (recovery codes come with the first of them).
bool IsEnrollable(FactorMethod method);

}  // namespace gatehouse
