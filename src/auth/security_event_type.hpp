#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace gatehouse {

// What a security log event records; its name in the API, the log lines and the database
// ("sign_in.succeeded", …): docs/api.md lists them.
enum class SecurityEventType {
  kUserCreated,  // registered, invited and accepted, or made by an administrator
  kUserUpdated,  // an administrator changed the name, role or verified flag
  kEmailVerified,
  kSignInSucceeded,      // a new session: detail.amr, detail.remember_me
  kSignInFailed,         // detail.method, detail.reason
  kSignInFromNewDevice,  // a new sign-in alert was e-mailed for the session
  kSignInDisowned,       // the alert's "this wasn't me": the session signed out, a reset link sent
  kSecondFactorSucceeded,  // detail.method
  kSecondFactorFailed,     // detail.method, detail.reason
  kRecoveryCodeUsed,
  kTokenReuseDetected,  // a rotated token came back; its session was revoked
  kSignedOut,           // the session's own sign-out
  kSessionRevoked,      // ended from the sessions list (actor_id: an administrator)
  kPasswordChanged,
  kPasswordResetRequested,
  kPasswordReset,
  kEmailChanged,       // confirmed by the new address, or undone (detail.undone): detail.old_email,
                       // new_email
  kSecondFactorAdded,  // detail.method
  kSecondFactorRemoved,  // detail.method
  kPasskeyAdded,         // detail.passkey_id, detail.name
  kPasskeyRemoved,       // detail.passkey_id, detail.name
  kAccountDisabled,
  kAccountEnabled,
  kAccountDeleted,
  kInvitationSent,  // no user yet; actor_id: who invited, detail.invitation_id
  kInvitationAccepted,
  kWebhookCreated,  // no user; actor_id: the administrator, detail.webhook_id, url, events
  kWebhookDeleted,  // no user; actor_id: the administrator, detail.webhook_id, url
};

std::string_view NameOf(SecurityEventType type);
// The type named `name`; nullopt for any other text.
std::optional<SecurityEventType> ParseSecurityEventType(std::string_view name);
// Every type, in the order above.
std::span<const SecurityEventType> AllSecurityEventTypes();

}  // namespace gatehouse
