// Attestation trust (webauthn.attestation: required): chains made here with OpenSSL — a
// maker's root, an intermediate, the attestation certificate — checked against a PEM file.
#include "webauthn/attestation_roots.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace gatehouse {
namespace {

struct Certificate {
  std::shared_ptr<EVP_PKEY> key{EVP_EC_gen("P-256"), EVP_PKEY_free};
  std::shared_ptr<X509> cert{X509_new(), X509_free};

  // Signed by `issuer` (itself when null), valid from now for `seconds`.
  Certificate(const char* common_name, bool ca, const Certificate* issuer, long seconds = 3600) {
    X509* c = cert.get();
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), std::rand());
    X509_gmtime_adj(X509_getm_notBefore(c), -60);
    X509_gmtime_adj(X509_getm_notAfter(c), seconds);
    X509_set_pubkey(c, key.get());
    X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
    const Certificate& signer = issuer ? *issuer : *this;
    X509_set_issuer_name(c, X509_get_subject_name(signer.cert.get()));
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, signer.cert.get(), c, nullptr, nullptr, 0);
    X509_EXTENSION* basic = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints,
                                                ca ? "critical,CA:TRUE" : "CA:FALSE");
    X509_add_ext(c, basic, -1);
    X509_EXTENSION_free(basic);
    if (ca) {
      X509_EXTENSION* usage =
          X509V3_EXT_conf_nid(nullptr, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
      X509_add_ext(c, usage, -1);
      X509_EXTENSION_free(usage);
    }
    X509_sign(c, signer.key.get(), EVP_sha256());
  }

  std::string Der() const {
    unsigned char* der = nullptr;
    int length = i2d_X509(cert.get(), &der);
    std::string out(reinterpret_cast<char*>(der), length);
    OPENSSL_free(der);
    return out;
  }
};

std::string PemFile(const std::vector<const Certificate*>& roots) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("gatehouse-roots-" + std::to_string(std::rand()) + ".pem"))
                         .string();
  FILE* out = std::fopen(path.c_str(), "w");
  for (const Certificate* root : roots) PEM_write_X509(out, root->cert.get());
  std::fclose(out);
  return path;
}

class AttestationRootsTest : public ::testing::Test {
 protected:
  Certificate root{"Maker Root", true, nullptr, 86400};
  Certificate intermediate{"Maker Intermediate", true, &root, 86400};
  Certificate attestation{"Maker Attestation", false, &intermediate};
  std::int64_t now = std::time(nullptr);
};

TEST_F(AttestationRootsTest, TrustsAChainToARoot) {
  std::string file = PemFile({&root});
  AttestationRoots roots(file);
  EXPECT_EQ(roots.size(), 1u);
  EXPECT_TRUE(roots.Trusts({attestation.Der(), intermediate.Der()}, now));
  Certificate direct{"Directly Attested", false, &root};
  EXPECT_TRUE(roots.Trusts({direct.Der()}, now));
  std::filesystem::remove(file);
}

TEST_F(AttestationRootsTest, RefusesWhatDoesNotLeadToOne) {
  Certificate other_root{"Other Root", true, nullptr, 86400};
  Certificate other{"Other Attestation", false, &other_root};
  Certificate expired{"Expired Attestation", false, &intermediate, 3600};
  std::string file = PemFile({&root});
  AttestationRoots roots(file);
  EXPECT_FALSE(roots.Trusts({}, now));
  EXPECT_FALSE(roots.Trusts({attestation.Der()}, now)) << "the intermediate is missing";
  EXPECT_FALSE(roots.Trusts({other.Der()}, now)) << "another maker's root";
  EXPECT_FALSE(roots.Trusts({expired.Der(), intermediate.Der()}, now + 7200)) << "expired";
  EXPECT_FALSE(roots.Trusts({attestation.Der() + "x", intermediate.Der()}, now))
      << "trailing bytes";
  EXPECT_FALSE(roots.Trusts({"not a certificate"}, now));
  EXPECT_FALSE(roots.Trusts({attestation.Der(), "garbage"}, now));
  // A leaf is no CA: it cannot vouch for another certificate.
  Certificate under_leaf{"Under A Leaf", false, &attestation};
  EXPECT_FALSE(roots.Trusts({under_leaf.Der(), attestation.Der(), intermediate.Der()}, now));
  std::filesystem::remove(file);
}

TEST(AttestationRoots, NeedsAFileWithCertificates) {
  EXPECT_THROW(AttestationRoots("/nonexistent/roots.pem"), std::runtime_error);
  std::string empty = PemFile({});
  EXPECT_THROW(AttestationRoots{empty}, std::runtime_error);
  std::filesystem::remove(empty);
}

}  // namespace
}  // namespace gatehouse
