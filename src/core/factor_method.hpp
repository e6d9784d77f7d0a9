#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// A second factor's method: what a user enrols, what a sign-in offers, and its name in the
// API, the pages and the database ("totp", "email", "sms", "webauthn", "recovery_code").
// kWebauthn: a passkey or security key (store/passkey_store), which counts as a second
// factor after the password.
enum class FactorMethod { kTotp, kEmail, kSms, kWebauthn, kRecoveryCode };

// The method named `name`; nullopt for any other text.
std::optional<FactorMethod> ParseFactorMethod(std::string_view name);
std::string_view NameOf(FactorMethod method);
std::vector<std::string> NamesOf(const std::vector<FactorMethod>& methods);

// Methods whose codes Gatehouse sends (by e-mail, by SMS).
bool SendsCodes(FactorMethod method);
// Methods kept in the mfa factors (one each, set up in the account center's two-factor
// page); passkeys have their own routes and table, recovery codes come with the first factor.
bool IsEnrollable(FactorMethod method);

}  // namespace gatehouse
