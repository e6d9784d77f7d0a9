// Packed attestation with a certificate (WebAuthn Level 3 §8.2): certificates made here with
// OpenSSL, each requirement of §8.2.1 broken on its own.
#include "webauthn/packed_attestation.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "webauthn/cbor_writer.hpp"

namespace gatehouse {
namespace {

using namespace testing;

const std::string kAaguid(16, '\x42');

struct CertificateSpec {
  std::string unit = "Authenticator Attestation";
  bool ca = false;
  std::optional<std::string> aaguid = kAaguid;
  long version = 2;  // v3
};

// An attestation key and its self-signed certificate, DER.
struct Attestation {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  std::string certificate;
  ~Attestation() { EVP_PKEY_free(key); }

  explicit Attestation(const CertificateSpec& spec = {}) {
    X509* cert = X509_new();
    X509_set_version(cert, spec.version);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    auto add = [&](const char* field, const std::string& value) {
      X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
    };
    add("C", "SE");
    add("O", "Test Authenticators");
    add("OU", spec.unit);
    add("CN", "Test Attestation");
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* basic = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints,
                                                spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
    X509_add_ext(cert, basic, -1);
    X509_EXTENSION_free(basic);
    if (spec.aaguid) {
      ASN1_OCTET_STRING* inner = ASN1_OCTET_STRING_new();
      ASN1_OCTET_STRING_set(inner, reinterpret_cast<const unsigned char*>(spec.aaguid->data()),
                            static_cast<int>(spec.aaguid->size()));
      unsigned char* der = nullptr;
      int length = i2d_ASN1_OCTET_STRING(inner, &der);
      ASN1_OCTET_STRING* outer = ASN1_OCTET_STRING_new();
      ASN1_OCTET_STRING_set(outer, der, length);
      ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
      X509_EXTENSION* extension = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, outer);
      X509_add_ext(cert, extension, -1);
      X509_EXTENSION_free(extension);
      ASN1_OBJECT_free(oid);
      ASN1_OCTET_STRING_free(outer);
      ASN1_OCTET_STRING_free(inner);
      OPENSSL_free(der);
    }
    X509_sign(cert, key, EVP_sha256());
    unsigned char* der = nullptr;
    int length = i2d_X509(cert, &der);
    certificate.assign(reinterpret_cast<char*>(der), length);
    OPENSSL_free(der);
    X509_free(cert);
  }

  std::string Sign(std::string_view input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t length = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(length, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &length,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(ctx);
    sig.resize(length);
    return sig;
  }
};

CborValue Statement(std::int64_t alg, std::string_view sig, std::string_view certificate) {
  return *DecodeCbor(CborMap(3) + CborText("alg") + CborInt(alg) + CborText("sig") +
                     CborBytes(sig) + CborText("x5c") + CborArray(1) + CborBytes(certificate));
}

const std::string kSigned = "authenticator data || client data hash";

TEST(PackedAttestation, AcceptsACertificatesSignature) {
  Attestation attestation;
  auto credential = SigningKey::Generate(JwsAlgorithm::kEdDSA);
  Status ok =
      VerifyPackedAttestation(Statement(-7, attestation.Sign(kSigned), attestation.certificate),
                              kSigned, -8, *credential, kAaguid);
  EXPECT_TRUE(ok) << ok.error().reason;
  // Without the AAGUID extension too (it is optional).
  Attestation without({.aaguid = std::nullopt});
  EXPECT_TRUE(VerifyPackedAttestation(Statement(-7, without.Sign(kSigned), without.certificate),
                                      kSigned, -8, *credential, kAaguid));
}

TEST(PackedAttestation, EachRequirementFailsOnItsOwn) {
  auto credential = SigningKey::Generate(JwsAlgorithm::kEdDSA);
  auto refused = [&](const char* check, const Attestation& attestation, std::int64_t alg,
                     const std::string& sig) {
    Status ok = VerifyPackedAttestation(Statement(alg, sig, attestation.certificate), kSigned, -8,
                                        *credential, kAaguid);
    ASSERT_FALSE(ok) << check;
    EXPECT_NE(ok.error().reason.find(check), std::string::npos) << ok.error().reason;
  };
  Attestation good;
  refused("did not make sig", good, -7, good.Sign("other bytes"));
  refused("did not make sig", good, -257, good.Sign(kSigned));  // alg not the key's
  Attestation unit({.unit = "Marketing"});
  refused("OU", unit, -7, unit.Sign(kSigned));
  Attestation ca({.ca = true});
  refused("CA", ca, -7, ca.Sign(kSigned));
  Attestation other({.aaguid = std::string(16, '\x43')});
  refused("another AAGUID", other, -7, other.Sign(kSigned));
  Attestation v1({.version = 0});
  refused("version 3", v1, -7, v1.Sign(kSigned));
  Status junk = VerifyPackedAttestation(Statement(-7, good.Sign(kSigned), "not a certificate"),
                                        kSigned, -8, *credential, kAaguid);
  EXPECT_FALSE(junk);
}

}  // namespace
}  // namespace gatehouse
