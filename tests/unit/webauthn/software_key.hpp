#pragma once

// Test support: the public half of a generated SigningKey as an authenticator sends it — a
// COSE_Key — and its signatures in WebAuthn's form (ES256 as ASN.1 DER).
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "crypto/random.hpp"
#include "crypto/signing_key.hpp"
#include "webauthn/cbor_writer.hpp"

namespace gatehouse::testing {

// A member of the key's public JWK, decoded ("x", "y", "n", "e").
inline std::string JwkMember(const SigningKey& key, const char* name) {
  auto jwk = nlohmann::json::parse(key.PublicJwkJson());
  return *Base64UrlDecode(jwk.at(name).get<std::string>());
}

inline std::string CoseOf(const SigningKey& key) {
  switch (key.algorithm()) {
    case JwsAlgorithm::kEdDSA:
      return CborMap(4) + CborInt(1) + CborInt(1) + CborInt(3) + CborInt(-8) + CborInt(-1) +
             CborInt(6) + CborInt(-2) + CborBytes(JwkMember(key, "x"));
    case JwsAlgorithm::kES256:
      return CborMap(5) + CborInt(1) + CborInt(2) + CborInt(3) + CborInt(-7) + CborInt(-1) +
             CborInt(1) + CborInt(-2) + CborBytes(JwkMember(key, "x")) + CborInt(-3) +
             CborBytes(JwkMember(key, "y"));
    default:
      return CborMap(4) + CborInt(1) + CborInt(3) + CborInt(3) + CborInt(-257) + CborInt(-1) +
             CborBytes(JwkMember(key, "n")) + CborInt(-2) + CborBytes(JwkMember(key, "e"));
  }
}

// An ES256 signature (r || s, as SigningKey makes it) in ASN.1 DER.
inline std::string Der(std::string_view raw) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig, &der);
  std::string out(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace gatehouse::testing
