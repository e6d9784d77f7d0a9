#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "crypto/signing_key.hpp"
#include "webauthn/cbor.hpp"

namespace gatehouse {

// COSE algorithm identifiers (RFC 9053, RFC 8812) of the three WebAuthn algorithms Gatehouse
// accepts, in the order it prefers them.
inline constexpr std::int64_t kCoseEdDSA = -8;
inline constexpr std::int64_t kCoseES256 = -7;
inline constexpr std::int64_t kCoseRS256 = -257;

// A credential public key as a verify-only SigningKey: an OKP Ed25519 key (alg -8), an EC2
// P-256 key (alg -7; the point must be on the curve) or an RSA key of 2048 bits or more
// (alg -257). nullopt for any other key, a missing or mistyped member, or an `alg` that
// does not match the key type.
std::optional<std::shared_ptr<SigningKey>> CoseKeyToSigningKey(const CborValue& cose_key);
// The same from the key's CBOR bytes, as stored.
std::optional<std::shared_ptr<SigningKey>> CoseKeyToSigningKey(std::string_view cose_key_bytes);

}  // namespace gatehouse
