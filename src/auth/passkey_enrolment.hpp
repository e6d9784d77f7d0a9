#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "auth/account_context.hpp"
#include "auth/passkey_ceremonies.hpp"

namespace gatehouse {

class AttestationRoots;

// What shows that the account's owner is at the keyboard before a factor is removed: their
// password, or a code of their authenticator app.
struct PresenceProof {
  enum class Kind { kPassword, kTotpCode };
  Kind kind = Kind::kPassword;
  std::string secret;
};

// A passkey just registered, with the recovery codes it brought when it is the account's
// first second factor (empty otherwise).
struct PasskeyAdded {
  PasskeyRecord passkey;
  std::vector<std::string> recovery_codes;
};

// The account center's passkeys: adding one (creation options, then the attestation,
// WebAuthn §7.1), listing, renaming and removing them. A passkey signs its user in without a
// password and counts as a second factor after one. Every addition and removal e-mails a
// notice. Thread-safe.
class PasskeyEnrolment {
 public:
  static constexpr int kMaxPasskeys = 25;
  static constexpr std::size_t kMaxNameCharacters = 64;

  // `roots` decides attestation when webauthn.attestation is "required"; else nullptr.
  PasskeyEnrolment(const AccountContext& context, const PasskeyCeremonies& ceremonies,
                   const SecretBox& box, const AttestationRoots* roots);

  // The creation options (PublicKeyCredentialCreationOptionsJSON) for a new passkey, after
  // the password: the user's handle (made with the first), the passkeys they have excluded.
  // kConflict at kMaxPasskeys.
  Result<nlohmann::json> CreationOptions(const AccessContext& caller,
                                         const std::string& password) const;
  // Verifies and stores the new credential under `name` (empty: "Passkey").
  // kValidationFailed for a refused response or name, kConflict for a credential registered
  // already.
  Result<PasskeyAdded> Register(const AccessContext& caller, const RegistrationResponse& response,
                                const std::string& name) const;
  Result<std::vector<PasskeyRecord>> List(const std::string& user_id) const;
  // The name trimmed ("Passkey" when empty), or kValidationFailed naming 'name'.
  static Result<std::string> CheckedName(const std::string& name);
  // kNotFound when the caller has no such passkey.
  Status Rename(const AccessContext& caller, const std::string& passkey_id,
                const std::string& name) const;
  // After the password or, in its place, a code of the user's authenticator app (`proof`
  // says which); with no second factor left, the recovery codes go too. kInvalidCredentials
  // for a wrong password, kMfaInvalidCode for a wrong code, both counting against the
  // account's brute-force delay.
  Status Remove(const AccessContext& caller, const std::string& passkey_id,
                const PresenceProof& proof) const;

 private:
  // The caller's user once `proof` holds.
  Result<UserRecord> CheckPresence(const AccessContext& caller, const PresenceProof& proof) const;
  // kValidationFailed unless the attestation meets webauthn.attestation.
  Status CheckAttestation(const NewCredential& credential) const;

  AccountContext ctx_;
  const PasskeyCeremonies& ceremonies_;
  const SecretBox& box_;
  const AttestationRoots* roots_;
};

}  // namespace gatehouse
