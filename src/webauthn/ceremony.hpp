#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/signing_key.hpp"
#include "webauthn/client_data.hpp"
#include "webauthn/relying_party.hpp"

namespace gatehouse {

// What a registration must show, from its creation options.
struct RegistrationExpectation {
  std::string challenge;  // its bytes
  bool user_verification_required = false;
};

// A credential that passed §7.1: what Gatehouse stores.
struct NewCredential {
  std::string credential_id;
  std::string public_key;      // COSE_Key CBOR bytes
  std::int64_t algorithm = 0;  // COSE: -8, -7 or -257
  std::string aaguid;
  std::uint32_t sign_count = 0;
  bool user_verified = false;
  bool backup_eligible = false;
  bool backed_up = false;
  std::string attestation_format;  // "none" or "packed"
  // A packed statement's x5c (DER, the attestation certificate first), checked by §8.2.1;
  // empty for self attestation and "none". Whether it chains to a trusted maker is for
  // AttestationRoots.
  std::vector<std::string> attestation_chain;
};

// WebAuthn Level 3 §7.1 steps 5-25 for a registration response (its clientDataJSON and
// attestationObject bytes): type, challenge, origin, rpIdHash, flags, algorithm, and the
// attestation statement of format "none" or "packed" (self attestation, or an x5c
// certificate's signature). Steps 26-27 — the credential ID not registered yet, storing it —
// are the caller's. kValidationFailed naming the failed check in `reason`.
Result<NewCredential> VerifyRegistration(const RelyingParty& rp,
                                         const RegistrationExpectation& expected,
                                         std::string_view client_data_json,
                                         std::string_view attestation_object);
// The same for a caller that parsed the client data already (to find its challenge):
// `client_data` is what `client_data_json` says.
Result<NewCredential> VerifyRegistration(const RelyingParty& rp,
                                         const RegistrationExpectation& expected,
                                         const ClientData& client_data,
                                         std::string_view client_data_json,
                                         std::string_view attestation_object);

// What an assertion must show, from its request options.
struct AssertionExpectation {
  std::string challenge;
  bool user_verification_required = false;
};

// The stored credential an assertion names (its ID and user handle already matched by the
// caller, §7.2 steps 5-7).
struct KnownCredential {
  std::string public_key;  // COSE_Key CBOR bytes
  std::uint32_t sign_count = 0;
  bool backup_eligible = false;
  // `public_key` parsed already (a caller's cache: parsing costs what the signature check
  // does); parsed here when null.
  std::shared_ptr<const SigningKey> key;
};

struct VerifiedAssertion {
  std::uint32_t sign_count = 0;
  bool user_verified = false;
  bool backed_up = false;
};

// §7.2 steps 8-22: type, challenge, origin, rpIdHash, flags, the signature over
// authenticatorData || SHA-256(clientDataJSON), and the signature counter (one that does not
// grow, where either count is non-zero, marks a possibly cloned authenticator and is
// refused). kValidationFailed naming the failed check in `reason`.
Result<VerifiedAssertion> VerifyAssertion(const RelyingParty& rp,
                                          const AssertionExpectation& expected,
                                          const KnownCredential& credential,
                                          std::string_view client_data_json,
                                          std::string_view authenticator_data,
                                          std::string_view signature);
// The same for a caller that parsed the client data already: `client_data` is what
// `client_data_json` says.
Result<VerifiedAssertion> VerifyAssertion(
    const RelyingParty& rp, const AssertionExpectation& expected, const KnownCredential& credential,
    const ClientData& client_data, std::string_view client_data_json,
    std::string_view authenticator_data, std::string_view signature);

}  // namespace gatehouse
