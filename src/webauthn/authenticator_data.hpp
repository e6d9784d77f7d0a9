#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// The credential an authenticator made, in the authenticator data of a registration.
struct AttestedCredential {
  std::string aaguid;         // 16 bytes: the authenticator's model
  std::string credential_id;  // at most 1023 bytes
  std::string public_key;     // its COSE_Key, as the CBOR bytes it came in
};

// Authenticator data (WebAuthn Level 3 §6.1): what the authenticator signs with the hash of
// the client data.
struct AuthenticatorData {
  std::string rp_id_hash;  // SHA-256 of the RP ID, 32 bytes
  bool user_present = false;
  bool user_verified = false;
  bool backup_eligible = false;  // a passkey that may be synced
  bool backed_up = false;        // and is, now
  std::uint32_t sign_count = 0;
  std::optional<AttestedCredential> attested;  // registrations only
};

// nullopt when the bytes are not authenticator data: too short, flags that contradict the
// bytes that follow (attested credential data or extensions announced and absent, or present
// and unannounced), a credential ID over 1023 bytes, a public key or extensions that are not
// one CBOR map, trailing bytes, or "backed up" without "backup eligible".
std::optional<AuthenticatorData> ParseAuthenticatorData(std::string_view bytes);

}  // namespace gatehouse
