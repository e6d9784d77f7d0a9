#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.hpp"
#include "crypto/signing_key.hpp"
#include "webauthn/cbor.hpp"

namespace gatehouse {

// The "packed" attestation statement (WebAuthn Level 3 §8.2) over `signed_bytes`
// (authenticatorData || SHA-256(clientDataJSON)): either self attestation — `alg` is the
// credential's and its key made `sig` — or an x5c certificate whose key made `sig` and that
// meets §8.2.1 (version 3, OU "Authenticator Attestation", not a CA, the AAGUID extension
// equal to the credential's when present). Whether that certificate chains to a trusted
// root is not decided here. kValidationFailed naming the failed check.
Status VerifyPackedAttestation(const CborValue& statement, std::string_view signed_bytes,
                               std::int64_t credential_algorithm, const SigningKey& credential_key,
                               std::string_view aaguid);

}  // namespace gatehouse
