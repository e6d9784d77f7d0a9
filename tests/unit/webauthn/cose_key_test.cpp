#include "webauthn/cose_key.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "webauthn/software_key.hpp"

namespace gatehouse {
namespace {

using namespace testing;

TEST(CoseKey, EachAlgorithmsKeyVerifiesItsOwnersSignatures) {
  for (JwsAlgorithm alg : kAsymmetricAlgorithms) {
    auto owner = SigningKey::Generate(alg);
    auto key = CoseKeyToSigningKey(CoseOf(*owner));
    ASSERT_TRUE(key) << AlgorithmName(alg);
    EXPECT_EQ((*key)->algorithm(), alg);
    std::string signature = owner->Sign("authenticator data || client data hash");
    if (alg == JwsAlgorithm::kES256) signature = Der(signature);
    EXPECT_TRUE((*key)->VerifyDer("authenticator data || client data hash", signature));
    EXPECT_FALSE((*key)->VerifyDer("something else", signature));
    EXPECT_EQ((*key)->Sign("x"), "") << "a public key signs nothing";
  }
}

TEST(CoseKey, AnES256SignatureMustBeStrictDer) {
  auto owner = SigningKey::Generate(JwsAlgorithm::kES256);
  auto key = *CoseKeyToSigningKey(CoseOf(*owner));
  std::string raw = owner->Sign("m");
  EXPECT_FALSE(key->VerifyDer("m", raw)) << "raw r||s is not DER";
  EXPECT_FALSE(key->VerifyDer("m", Der(raw) + "x")) << "trailing bytes";
  std::string long_form = Der(raw);
  long_form.insert(1, "\x81");  // the same length in the long form: BER, not DER
  long_form[0] = '\x30';
  EXPECT_FALSE(key->VerifyDer("m", long_form));
}

TEST(CoseKey, RefusesKeysThatAreWrongOrMislabelled) {
  auto ed = SigningKey::Generate(JwsAlgorithm::kEdDSA);
  auto ec = SigningKey::Generate(JwsAlgorithm::kES256);
  std::string x = JwkMember(*ec, "x"), y = JwkMember(*ec, "y");
  std::string off_curve = y;
  off_curve[31] ^= 1;
  for (const std::string& bad : {
           std::string("\x83\x01\x02\x03"),  // not a map
           CborMap(1) + CborInt(1) + CborInt(2),
           // EC2 labelled EdDSA, OKP labelled ES256
           CborMap(5) + CborInt(1) + CborInt(2) + CborInt(3) + CborInt(-8) + CborInt(-1) +
               CborInt(1) + CborInt(-2) + CborBytes(x) + CborInt(-3) + CborBytes(y),
           CborMap(4) + CborInt(1) + CborInt(1) + CborInt(3) + CborInt(-7) + CborInt(-1) +
               CborInt(6) + CborInt(-2) + CborBytes(JwkMember(*ed, "x")),
           // P-384, a point off the curve, a short coordinate, a text coordinate
           CborMap(5) + CborInt(1) + CborInt(2) + CborInt(3) + CborInt(-7) + CborInt(-1) +
               CborInt(2) + CborInt(-2) + CborBytes(x) + CborInt(-3) + CborBytes(y),
           CborMap(5) + CborInt(1) + CborInt(2) + CborInt(3) + CborInt(-7) + CborInt(-1) +
               CborInt(1) + CborInt(-2) + CborBytes(x) + CborInt(-3) + CborBytes(off_curve),
           CborMap(5) + CborInt(1) + CborInt(2) + CborInt(3) + CborInt(-7) + CborInt(-1) +
               CborInt(1) + CborInt(-2) + CborBytes(x.substr(1)) + CborInt(-3) + CborBytes(y),
           CborMap(5) + CborInt(1) + CborInt(2) + CborInt(3) + CborInt(-7) + CborInt(-1) +
               CborInt(1) + CborInt(-2) + CborText(x) + CborInt(-3) + CborBytes(y),
           // RS1 (-65535), and an RSA key of 1024 bits
           CborMap(4) + CborInt(1) + CborInt(3) + CborInt(3) + CborInt(-65535) + CborInt(-1) +
               CborBytes(std::string(256, '\xc1')) + CborInt(-2) + CborBytes("\x01\x00\x01"),
           CborMap(4) + CborInt(1) + CborInt(3) + CborInt(3) + CborInt(-257) + CborInt(-1) +
               CborBytes(std::string(128, '\xc1')) + CborInt(-2) + CborBytes("\x01\x00\x01"),
       }) {
    EXPECT_FALSE(CoseKeyToSigningKey(bad)) << bad.size();
  }
}

}  // namespace
}  // namespace gatehouse
