#include "auth/security_event_type.hpp"

#include <array>
#include <utility>

namespace gatehouse {
namespace {

using T = SecurityEventType;
constexpr std::array<std::pair<T, std::string_view>, 28> kNames = {{
    {T::kUserCreated, "user.created"},
    {T::kUserUpdated, "user.updated"},
    {T::kEmailVerified, "email.verified"},
    {T::kSignInSucceeded, "sign_in.succeeded"},
    {T::kSignInFailed, "sign_in.failed"},
    {T::kSignInFromNewDevice, "sign_in.new_device"},
    {T::kSignInDisowned, "sign_in.disowned"},
    {T::kSecondFactorSucceeded, "second_factor.succeeded"},
    {T::kSecondFactorFailed, "second_factor.failed"},
    {T::kRecoveryCodeUsed, "recovery_code.used"},
    {T::kTokenReuseDetected, "token.reuse_detected"},
    {T::kSignedOut, "session.signed_out"},
    {T::kSessionRevoked, "session.revoked"},
    {T::kPasswordChanged, "password.changed"},
    {T::kPasswordResetRequested, "password.reset_requested"},
    {T::kPasswordReset, "password.reset"},
    {T::kEmailChanged, "email.changed"},
    {T::kSecondFactorAdded, "second_factor.added"},
    {T::kSecondFactorRemoved, "second_factor.removed"},
    {T::kPasskeyAdded, "passkey.added"},
    {T::kPasskeyRemoved, "passkey.removed"},
    {T::kAccountDisabled, "account.disabled"},
    {T::kAccountEnabled, "account.enabled"},
    {T::kAccountDeleted, "account.deleted"},
    {T::kInvitationSent, "invitation.sent"},
    {T::kInvitationAccepted, "invitation.accepted"},
    {T::kWebhookCreated, "webhook.created"},
    {T::kWebhookDeleted, "webhook.deleted"},
}};

constexpr std::array<T, kNames.size()> kAll = [] {
  std::array<T, kNames.size()> all{};
  for (std::size_t i = 0; i < kNames.size(); ++i) all[i] = kNames[i].first;
  return all;
}();

}  // namespace

std::string_view NameOf(SecurityEventType type) {
  for (const auto& [known, text] : kNames) {
    if (known == type) return text;
  }
  return {};
}

std::optional<SecurityEventType> ParseSecurityEventType(std::string_view name) {
  for (const auto& [type, text] : kNames) {
    if (text == name) return type;
  }
  return std::nullopt;
}

std::span<const SecurityEventType> AllSecurityEventTypes() { return kAll; }

}  // namespace gatehouse
