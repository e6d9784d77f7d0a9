#include "crypto/signing_key.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

std::string RawPublicP256(EVP_PKEY* pkey) {
  unsigned char buf[65];
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof buf, &len) != 1 ||
      len != 65) {
    return {};
  }
  return std::string(reinterpret_cast<char*>(buf) + 1, 64);  // drop the 0x04 prefix
}

// ECDSA signatures come from OpenSSL as DER; JWS wants the fixed-width r || s form.
std::string DerToRaw(const unsigned char* der, size_t len) {
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(len));
  if (!sig) return {};
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  std::string raw(64, '\0');
  BN_bn2binpad(r, reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}

std::string RawToDer(std::string_view raw) {
  if (raw.size() != 64) return {};
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  std::string out = len > 0 ? std::string(reinterpret_cast<char*>(der), len) : std::string();
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

// EVP_DigestSign with SHA-256: DER for ECDSA, PKCS#1 v1.5 (OpenSSL's default padding) for RSA.
std::string EvpSign(EVP_PKEY* pkey, std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string out;
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, in, input.size()) == 1) {
    out.resize(len);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, in, input.size()) ==
        1) {
      out.resize(len);
    } else {
      out.clear();
    }
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

// EVP_DigestVerify with SHA-256 on a copy of `ready`, a context EVP_DigestVerifyInit set up.
bool EvpVerify(const EVP_MD_CTX* ready, std::string_view input, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && ready && EVP_MD_CTX_copy_ex(ctx, ready) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// RFC 7518 §3.3: RS256 keys have at least 2048 bits.
constexpr int kMinRsaBits = 2048;
// Public keys from outside (a passkey's) are bounded too: each signature check costs with the
// modulus' size and the exponent's, and OpenSSL alone allows 16384 bits. Authenticators make
// 2048-bit keys with e = 65537; NIST SP 800-89 §5.3.3 bounds e under 2^256.
constexpr int kMaxRsaPublicBits = 4096;
constexpr std::size_t kMaxRsaExponentBytes = 32;

std::string BigNumParam(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return {};
  std::string bytes(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return bytes;
}

}  // namespace

std::string_view AlgorithmName(JwsAlgorithm alg) {
  switch (alg) {
    case JwsAlgorithm::kEdDSA: return "EdDSA";
    case JwsAlgorithm::kES256: return "ES256";
    case JwsAlgorithm::kRS256: return "RS256";
    case JwsAlgorithm::kHS256: return "HS256";
  }
  return "";
}

Result<JwsAlgorithm> ParseAlgorithm(std::string_view name) {
  if (name == "EdDSA") return JwsAlgorithm::kEdDSA;
  if (name == "ES256") return JwsAlgorithm::kES256;
  if (name == "RS256") return JwsAlgorithm::kRS256;
  if (name == "HS256") return JwsAlgorithm::kHS256;
  return MakeError(Errc::kInvalidToken, "unsupported algorithm");
}

SigningKey::~SigningKey() {
  EVP_MD_CTX_free(verify_ready_);
  EVP_PKEY_free(pkey_);
  sodium_memzero(ed25519_secret_.data(), ed25519_secret_.size());
  sodium_memzero(hmac_secret_.data(), hmac_secret_.size());
}

std::shared_ptr<SigningKey> SigningKey::Generate(JwsAlgorithm alg) {
  std::string kid = RandomToken(12);
  if (alg == JwsAlgorithm::kEdDSA) return FromEd25519Seed(kid, RandomBytes(32)).value();
  EVP_PKEY* pkey = alg == JwsAlgorithm::kRS256 ? EVP_RSA_gen(kMinRsaBits) : EVP_EC_gen("P-256");
  if (!pkey) throw std::runtime_error("cannot generate a signing key");
  std::shared_ptr<SigningKey> key(new SigningKey(std::move(kid), alg));
  key->pkey_ = pkey;
  return key;
}

Result<std::shared_ptr<SigningKey>> SigningKey::FromPrivatePem(std::string kid, JwsAlgorithm alg,
                                                               std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pkey) return MakeError(Errc::kInternal, "stored signing key is not a PEM private key");
  if (alg == JwsAlgorithm::kEdDSA) {
    unsigned char seed[32];
    size_t len = sizeof seed;
    bool ok = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519 &&
              EVP_PKEY_get_raw_private_key(pkey, seed, &len) == 1 && len == 32;
    EVP_PKEY_free(pkey);
    if (!ok) return MakeError(Errc::kInternal, "stored EdDSA key is not Ed25519");
    auto key = FromEd25519Seed(std::move(kid), std::string_view(reinterpret_cast<char*>(seed), 32));
    sodium_memzero(seed, sizeof seed);
    return key;
  }
  bool matches = (alg == JwsAlgorithm::kES256 && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC &&
                  !RawPublicP256(pkey).empty()) ||
                 (alg == JwsAlgorithm::kRS256 && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA &&
                  EVP_PKEY_get_bits(pkey) >= kMinRsaBits);
  if (!matches) {
    EVP_PKEY_free(pkey);
    return MakeError(Errc::kInternal, "stored key does not match its algorithm");
  }
  std::shared_ptr<SigningKey> key(new SigningKey(std::move(kid), alg));
  key->pkey_ = pkey;
  return key;
}

std::shared_ptr<SigningKey> SigningKey::FromSecret(std::string kid, std::string_view secret) {
  std::shared_ptr<SigningKey> key(new SigningKey(std::move(kid), JwsAlgorithm::kHS256));
  key->hmac_secret_ = std::string(secret);
  return key;
}

Result<std::shared_ptr<SigningKey>> SigningKey::FromEd25519Seed(std::string kid,
                                                                std::string_view seed32) {
  if (seed32.size() != crypto_sign_SEEDBYTES) {
    return MakeError(Errc::kInternal, "Ed25519 seed must be 32 bytes");
  }
  std::shared_ptr<SigningKey> key(new SigningKey(std::move(kid), JwsAlgorithm::kEdDSA));
  key->ed25519_secret_.resize(crypto_sign_SECRETKEYBYTES);
  key->ed25519_public_.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(key->ed25519_public_.data()),
                           reinterpret_cast<unsigned char*>(key->ed25519_secret_.data()),
                           reinterpret_cast<const unsigned char*>(seed32.data()));
  key->pkey_ = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed32.data()), 32);
  if (!key->pkey_) return MakeError(Errc::kInternal, "OpenSSL rejected the Ed25519 seed");
  return key;
}

Result<std::shared_ptr<SigningKey>> SigningKey::FromEd25519Public(std::string kid,
                                                                  std::string_view x) {
  if (x.size() != crypto_sign_PUBLICKEYBYTES) {
    return MakeError(Errc::kInternal, "an Ed25519 public key is 32 bytes");
  }
  std::shared_ptr<SigningKey> key(new SigningKey(std::move(kid), JwsAlgorithm::kEdDSA));
  key->ed25519_public_ = std::string(x);
  key->pkey_ = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x.data()), x.size());
  if (!key->pkey_) return MakeError(Errc::kInternal, "OpenSSL rejected the Ed25519 key");
  return key;
}

Result<std::shared_ptr<SigningKey>> SigningKey::FromP256(std::string kid, std::string_view x,
                                                         std::string_view y, std::string_view d) {
  if (x.size() != 32 || y.size() != 32 || (!d.empty() && d.size() != 32)) {
    return MakeError(Errc::kInternal, "P-256 coordinates must be 32 bytes");
  }
  std::string point = "\x04" + std::string(x) + std::string(y);
  BIGNUM* priv = d.empty()
                     ? nullptr
                     : BN_bin2bn(reinterpret_cast<const unsigned char*>(d.data()), 32, nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  if (priv) OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* pkey = nullptr;
  bool ok =
      ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
      EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_clear_free(priv);
  if (ok) {
    // The point must be on the curve and, with a private part, belong to it. P-256 has
    // cofactor 1, so a point on the curve is in its group: the quick check (no scalar
    // multiplication by the order, which cost as much as a signature check) is the whole one.
    EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    ok = check && (priv ? EVP_PKEY_pairwise_check(check) : EVP_PKEY_public_check_quick(check)) == 1;
    EVP_PKEY_CTX_free(check);
  }
  if (!ok) {
    EVP_PKEY_free(pkey);
    return MakeError(Errc::kInternal, "invalid P-256 key");
  }
  std::shared_ptr<SigningKey> key(new SigningKey(std::move(kid), JwsAlgorithm::kES256));
  key->pkey_ = pkey;
  return key;
}

Result<std::shared_ptr<SigningKey>> SigningKey::FromRsaPublic(std::string kid, std::string_view n,
                                                              std::string_view e) {
  while (!e.empty() && e.front() == '\0') e.remove_prefix(1);
  bool below_three = e.size() == 1 && static_cast<unsigned char>(e[0]) < 3;
  if (e.empty() || below_three || e.size() > kMaxRsaExponentBytes || (e.back() & 1) == 0) {
    return MakeError(Errc::kInternal, "invalid RSA public exponent (odd, 3 to 2^256)");
  }
  BIGNUM* modulus = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                              static_cast<int>(n.size()), nullptr);
  BIGNUM* exponent = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                               static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, modulus);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, exponent);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* pkey = nullptr;
  bool ok = ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1 &&
            EVP_PKEY_get_bits(pkey) >= kMinRsaBits && EVP_PKEY_get_bits(pkey) <= kMaxRsaPublicBits;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(modulus);
  BN_free(exponent);
  if (!ok) {
    EVP_PKEY_free(pkey);
    return MakeError(Errc::kInternal, "invalid RSA public key (2048 to 4096 bits)");
  }
  std::shared_ptr<SigningKey> key(new SigningKey(std::move(kid), JwsAlgorithm::kRS256));
  key->pkey_ = pkey;
  return key;
}

std::string SigningKey::PrivatePem() const {
  if (!pkey_) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey_, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return pem;
}

std::string SigningKey::PublicJwkJson() const {
  nlohmann::json jwk;
  switch (alg_) {
    case JwsAlgorithm::kEdDSA:
      jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(ed25519_public_)}};
      break;
    case JwsAlgorithm::kES256: {
      std::string raw = RawPublicP256(pkey_);
      jwk = {{"kty", "EC"},
             {"crv", "P-256"},
             {"x", Base64UrlEncode(raw.substr(0, 32))},
             {"y", Base64UrlEncode(raw.substr(32))}};
      break;
    }
    case JwsAlgorithm::kRS256:
      jwk = {{"kty", "RSA"},
             {"n", Base64UrlEncode(BigNumParam(pkey_, OSSL_PKEY_PARAM_RSA_N))},
             {"e", Base64UrlEncode(BigNumParam(pkey_, OSSL_PKEY_PARAM_RSA_E))}};
      break;
    case JwsAlgorithm::kHS256: return {};
  }
  jwk["kid"] = kid_;
  jwk["alg"] = std::string(AlgorithmName(alg_));
  jwk["use"] = "sig";
  return jwk.dump();
}

std::string SigningKey::Sign(std::string_view input) const {
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  switch (alg_) {
    case JwsAlgorithm::kEdDSA: {
      if (ed25519_secret_.empty()) return {};  // a verify-only key signs nothing
      std::string sig(crypto_sign_BYTES, '\0');
      crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, in, input.size(),
                           reinterpret_cast<const unsigned char*>(ed25519_secret_.data()));
      return sig;
    }
    case JwsAlgorithm::kES256: {
      std::string der = EvpSign(pkey_, input);
      return DerToRaw(reinterpret_cast<const unsigned char*>(der.data()), der.size());
    }
    case JwsAlgorithm::kRS256: return EvpSign(pkey_, input);
    case JwsAlgorithm::kHS256: {
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      HMAC(EVP_sha256(), hmac_secret_.data(), static_cast<int>(hmac_secret_.size()), in,
           input.size(), mac, &len);
      return std::string(reinterpret_cast<char*>(mac), len);
    }
  }
  return {};
}

const EVP_MD_CTX* SigningKey::VerifyContext() const {
  std::call_once(verify_ready_once_, [this] {
    verify_ready_ = EVP_MD_CTX_new();
    if (verify_ready_ &&
        EVP_DigestVerifyInit(verify_ready_, nullptr, EVP_sha256(), nullptr, pkey_) != 1) {
      EVP_MD_CTX_free(verify_ready_);
      verify_ready_ = nullptr;
    }
  });
  return verify_ready_;
}

bool SigningKey::Verify(std::string_view input, std::string_view signature) const {
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  switch (alg_) {
    case JwsAlgorithm::kEdDSA:
      return signature.size() == crypto_sign_BYTES &&
             crypto_sign_verify_detached(
                 reinterpret_cast<const unsigned char*>(signature.data()), in, input.size(),
                 reinterpret_cast<const unsigned char*>(ed25519_public_.data())) == 0;
    case JwsAlgorithm::kES256: {
      std::string der = RawToDer(signature);
      return !der.empty() && EvpVerify(VerifyContext(), input, der);
    }
    case JwsAlgorithm::kRS256:
      // Exactly the modulus' length (RFC 8017 §8.2.2 step 1).
      return signature.size() == static_cast<std::size_t>(EVP_PKEY_get_size(pkey_)) &&
             EvpVerify(VerifyContext(), input, signature);
    case JwsAlgorithm::kHS256:
      // constant-time: a timing leak would let an attacker forge the MAC byte by byte
      return ConstantTimeEquals(Sign(input), signature);
  }
  return false;
}

bool SigningKey::VerifyDer(std::string_view input, std::string_view signature) const {
  if (alg_ != JwsAlgorithm::kES256) return Verify(input, signature);
  // The DER form must be the one re-encoding gives: OpenSSL would accept some BER variants.
  std::string raw =
      DerToRaw(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
  return !raw.empty() && RawToDer(raw) == signature && EvpVerify(VerifyContext(), input, signature);
}

}  // namespace gatehouse
