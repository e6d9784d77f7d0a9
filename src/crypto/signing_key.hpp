#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace gatehouse {

// JWS algorithms Gatehouse signs with. The token's `alg` must equal the key's algorithm.
enum class JwsAlgorithm { kEdDSA, kES256, kRS256, kHS256 };

// The algorithms with a key pair, every one of which the key ring keeps a key for: access
// tokens use the configured one, ID tokens RS256 unless their client asks for another.
inline constexpr JwsAlgorithm kAsymmetricAlgorithms[] = {JwsAlgorithm::kEdDSA, JwsAlgorithm::kES256,
                                                         JwsAlgorithm::kRS256};

std::string_view AlgorithmName(JwsAlgorithm alg);
Result<JwsAlgorithm> ParseAlgorithm(std::string_view name);

// One signing key, parsed once. Sign and Verify are const and thread-safe.
// Ed25519 signs with libsodium (measured faster here than OpenSSL); ES256 and RS256 (RSA
// PKCS#1 v1.5 with SHA-256, 2048-bit keys or larger) with OpenSSL EVP; HS256 with HMAC-SHA-256
// over a shared secret (never published in JWKS).
class SigningKey {
 public:
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // A fresh asymmetric key (EdDSA, ES256 or RS256) with a random kid.
  static std::shared_ptr<SigningKey> Generate(JwsAlgorithm alg);
  // A key from its stored PKCS#8 PEM form.
  static Result<std::shared_ptr<SigningKey>> FromPrivatePem(std::string kid, JwsAlgorithm alg,
                                                            std::string_view pem);
  // An HMAC key from a shared secret.
  static std::shared_ptr<SigningKey> FromSecret(std::string kid, std::string_view secret);
  // Keys from raw JWK members (base64url-decoded), for RFC test vectors. FromP256 with an
  // empty `d` makes a verify-only key; a `d` that does not match (x, y) is refused.
  static Result<std::shared_ptr<SigningKey>> FromEd25519Seed(std::string kid,
                                                             std::string_view seed32);
  static Result<std::shared_ptr<SigningKey>> FromP256(std::string kid, std::string_view x,
                                                      std::string_view y, std::string_view d);
  // A verify-only Ed25519 key from its 32-byte public key.
  static Result<std::shared_ptr<SigningKey>> FromEd25519Public(std::string kid, std::string_view x);
  // A verify-only RSA key from its modulus (2048 to 4096 bits) and public exponent (odd,
  // 3 to 2^256), big-endian bytes.
  static Result<std::shared_ptr<SigningKey>> FromRsaPublic(std::string kid, std::string_view n,
                                                           std::string_view e);

  const std::string& kid() const { return kid_; }
  JwsAlgorithm algorithm() const { return alg_; }

  std::string PrivatePem() const;  // empty for HS256 (the secret lives in config)
  // The public JWK as a JSON object text; empty for HS256.
  std::string PublicJwkJson() const;

  // Signature bytes (raw r||s for ES256, per RFC 7518) over `signing_input`.
  std::string Sign(std::string_view signing_input) const;
  bool Verify(std::string_view signing_input, std::string_view signature) const;
  // Verify for a signature as WebAuthn and X.509 carry it: ES256 as ASN.1 DER (strict: no
  // other encoding of the same numbers, nothing after them); the others as for Verify.
  bool VerifyDer(std::string_view signing_input, std::string_view signature) const;

 private:
  SigningKey(std::string kid, JwsAlgorithm alg) : kid_(std::move(kid)), alg_(alg) {}
  // ES256 and RS256: a context EVP_DigestVerifyInit made ready once, which each check copies.
  // Made on each check, it fetched the algorithms from the provider every time (OpenSSL 3).
  const EVP_MD_CTX* VerifyContext() const;

  std::string kid_;
  JwsAlgorithm alg_;
  EVP_PKEY* pkey_ = nullptr;    // EdDSA, ES256 and RS256
  std::string ed25519_secret_;  // libsodium 64-byte secret key (seed || public)
  std::string ed25519_public_;  // 32 bytes
  std::string hmac_secret_;     // HS256
  mutable std::once_flag verify_ready_once_;
  mutable EVP_MD_CTX* verify_ready_ = nullptr;  // VerifyContext's; never used but copied
};

}  // namespace gatehouse
