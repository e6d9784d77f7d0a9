// WebAuthn Level 3 §7.1 and §7.2 against a software authenticator: every check is shown
// passing once and then failing on its own.
#include "webauthn/ceremony.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "crypto/signing_key.hpp"
#include "webauthn/software_key.hpp"

namespace gatehouse {
namespace {

using namespace testing;

constexpr unsigned char kUp = 0x01, kUv = 0x04, kBe = 0x08, kAt = 0x40;
const RelyingParty kRp{"auth.example.com", {"https://auth.example.com"}};
const std::string kChallenge = "sixteen byte chl";

std::int64_t CoseAlg(JwsAlgorithm alg) {
  return alg == JwsAlgorithm::kEdDSA ? -8 : alg == JwsAlgorithm::kES256 ? -7 : -257;
}

// A software authenticator holding one credential.
struct Authenticator {
  std::shared_ptr<SigningKey> key;
  std::string credential_id = "credential-0001";
  std::string aaguid = std::string(16, '\x42');
  std::uint32_t counter = 0;

  std::string Signature(std::string_view bytes) const {
    std::string sig = key->Sign(bytes);
    return key->algorithm() == JwsAlgorithm::kES256 ? Der(sig) : sig;
  }
  std::string AuthData(unsigned char flags, bool attested, std::string rp_id = kRp.id) const {
    std::string out = Sha256(rp_id);
    out += static_cast<char>(flags | (attested ? kAt : 0));
    for (int shift = 24; shift >= 0; shift -= 8) {
      out += static_cast<char>((counter >> shift) & 0xff);
    }
    if (!attested) return out;
    out += aaguid;
    out += static_cast<char>(credential_id.size() >> 8);
    out += static_cast<char>(credential_id.size() & 0xff);
    return out + credential_id + CoseOf(*key);
  }
};

std::string ClientJson(std::string_view type, std::string_view challenge = kChallenge,
                       std::string_view origin = "https://auth.example.com",
                       std::string_view extra = "") {
  return std::string(R"({"type":")") + std::string(type) + R"(","challenge":")" +
         Base64UrlEncode(challenge) + R"(","origin":")" + std::string(origin) + "\"" +
         std::string(extra) + "}";
}

std::string NoneAttestation(std::string_view auth_data) {
  return CborMap(3) + CborText("fmt") + CborText("none") + CborText("attStmt") + CborMap(0) +
         CborText("authData") + CborBytes(auth_data);
}

std::string PackedSelf(std::string_view auth_data, std::int64_t alg, std::string_view sig) {
  return CborMap(3) + CborText("fmt") + CborText("packed") + CborText("attStmt") + CborMap(2) +
         CborText("alg") + CborInt(alg) + CborText("sig") + CborBytes(sig) + CborText("authData") +
         CborBytes(auth_data);
}

std::string ReasonOf(const Error& error) { return error.reason; }

TEST(WebAuthnRegistration, AcceptsANoneAttestationForEachAlgorithm) {
  for (JwsAlgorithm alg : kAsymmetricAlgorithms) {
    Authenticator authenticator{SigningKey::Generate(alg)};
    auto made = VerifyRegistration(kRp, {kChallenge, true}, ClientJson("webauthn.create"),
                                   NoneAttestation(authenticator.AuthData(kUp | kUv | kBe, true)));
    ASSERT_TRUE(made) << ReasonOf(made.error());
    EXPECT_EQ(made->credential_id, authenticator.credential_id);
    EXPECT_EQ(made->public_key, CoseOf(*authenticator.key));
    EXPECT_EQ(made->algorithm, CoseAlg(alg));
    EXPECT_EQ(made->aaguid, authenticator.aaguid);
    EXPECT_TRUE(made->user_verified);
    EXPECT_TRUE(made->backup_eligible);
    EXPECT_FALSE(made->backed_up);
    EXPECT_EQ(made->attestation_format, "none");
  }
}

TEST(WebAuthnRegistration, VerifiesPackedSelfAttestation) {
  Authenticator authenticator{SigningKey::Generate(JwsAlgorithm::kES256)};
  std::string client = ClientJson("webauthn.create");
  std::string auth_data = authenticator.AuthData(kUp, true);
  std::string sig = authenticator.Signature(auth_data + Sha256(client));
  auto made = VerifyRegistration(kRp, {kChallenge, false}, client, PackedSelf(auth_data, -7, sig));
  ASSERT_TRUE(made) << ReasonOf(made.error());
  EXPECT_EQ(made->attestation_format, "packed");
  EXPECT_FALSE(VerifyRegistration(kRp, {kChallenge, false}, client, PackedSelf(auth_data, -8, sig)))
      << "alg must be the credential's";
  std::string other = authenticator.Signature("something else");
  EXPECT_FALSE(
      VerifyRegistration(kRp, {kChallenge, false}, client, PackedSelf(auth_data, -7, other)));
}

TEST(WebAuthnRegistration, EachCheckFailsOnItsOwn) {
  Authenticator authenticator{SigningKey::Generate(JwsAlgorithm::kEdDSA)};
  std::string good_data = authenticator.AuthData(kUp, true);
  struct Case {
    const char* check;  // a part of the refusal's reason
    RegistrationExpectation expected;
    std::string client;
    std::string object;
  } cases[] = {
      {"client data is malformed", {kChallenge}, "{", NoneAttestation(good_data)},
      {"client data type", {kChallenge}, ClientJson("webauthn.get"), NoneAttestation(good_data)},
      {"another challenge",
       {kChallenge},
       ClientJson("webauthn.create", "another challenge"),
       NoneAttestation(good_data)},
      {"another challenge", {""}, ClientJson("webauthn.create", ""), NoneAttestation(good_data)},
      {"is not this site",
       {kChallenge},
       ClientJson("webauthn.create", kChallenge, "https://evil.example"),
       NoneAttestation(good_data)},
      {"is not this site",
       {kChallenge},
       ClientJson("webauthn.create", kChallenge, "https://auth.example.com:8443"),
       NoneAttestation(good_data)},
      {"cross-origin",
       {kChallenge},
       ClientJson("webauthn.create", kChallenge, "https://auth.example.com",
                  R"(,"crossOrigin":true)"),
       NoneAttestation(good_data)},
      {"another RP ID",
       {kChallenge},
       ClientJson("webauthn.create"),
       NoneAttestation(authenticator.AuthData(kUp, true, "evil.example"))},
      {"not present",
       {kChallenge},
       ClientJson("webauthn.create"),
       NoneAttestation(authenticator.AuthData(0, true))},
      {"not verified",
       {kChallenge, true},
       ClientJson("webauthn.create"),
       NoneAttestation(good_data)},
      {"no attested credential",
       {kChallenge},
       ClientJson("webauthn.create"),
       NoneAttestation(authenticator.AuthData(kUp, false))},
      {"lacks fmt", {kChallenge}, ClientJson("webauthn.create"), "\xa0"},
      {"attestation format fido-u2f",
       {kChallenge},
       ClientJson("webauthn.create"),
       CborMap(3) + CborText("fmt") + CborText("fido-u2f") + CborText("attStmt") + CborMap(0) +
           CborText("authData") + CborBytes(good_data)},
      {"none attestation with a statement",
       {kChallenge},
       ClientJson("webauthn.create"),
       CborMap(3) + CborText("fmt") + CborText("none") + CborText("attStmt") + CborMap(1) +
           CborText("sig") + CborBytes("x") + CborText("authData") + CborBytes(good_data)},
  };
  ASSERT_TRUE(VerifyRegistration(kRp, {kChallenge}, ClientJson("webauthn.create"),
                                 NoneAttestation(good_data)));
  for (const Case& c : cases) {
    auto made = VerifyRegistration(kRp, c.expected, c.client, c.object);
    ASSERT_FALSE(made) << c.check;
    EXPECT_EQ(made.error().code, Errc::kValidationFailed) << c.check;
    EXPECT_NE(made.error().reason.find(c.check), std::string::npos)
        << "refused for another reason: " << made.error().reason;
  }
}

TEST(WebAuthnAssertion, AcceptsASignatureOfEachAlgorithmAndReturnsTheCounter) {
  for (JwsAlgorithm alg : kAsymmetricAlgorithms) {
    Authenticator authenticator{SigningKey::Generate(alg)};
    authenticator.counter = 5;
    std::string client = ClientJson("webauthn.get");
    std::string data = authenticator.AuthData(kUp | kUv, false);
    auto verified = VerifyAssertion(kRp, {kChallenge, true}, {CoseOf(*authenticator.key), 4, false},
                                    client, data, authenticator.Signature(data + Sha256(client)));
    ASSERT_TRUE(verified) << ReasonOf(verified.error());
    EXPECT_EQ(verified->sign_count, 5u);
    EXPECT_TRUE(verified->user_verified);
  }
}

TEST(WebAuthnAssertion, EachCheckFailsOnItsOwn) {
  Authenticator authenticator{SigningKey::Generate(JwsAlgorithm::kES256)};
  authenticator.counter = 10;
  const KnownCredential known{CoseOf(*authenticator.key), 9, false};
  auto sign = [&](const std::string& client, const std::string& data) {
    return authenticator.Signature(data + Sha256(client));
  };
  std::string client = ClientJson("webauthn.get");
  std::string data = authenticator.AuthData(kUp, false);
  ASSERT_TRUE(VerifyAssertion(kRp, {kChallenge}, known, client, data, sign(client, data)));

  // `check`: a part of the refusal's reason.
  auto refused = [&](const char* check, AssertionExpectation expected, KnownCredential credential,
                     const std::string& c, const std::string& d, const std::string& sig) {
    auto verified = VerifyAssertion(kRp, expected, credential, c, d, sig);
    ASSERT_FALSE(verified) << check;
    EXPECT_NE(verified.error().reason.find(check), std::string::npos)
        << "refused for another reason: " << verified.error().reason;
  };
  std::string create = ClientJson("webauthn.create");
  refused("client data type", {kChallenge}, known, create, data, sign(create, data));
  std::string other = ClientJson("webauthn.get", "replayed challenge");
  refused("another challenge", {kChallenge}, known, other, data, sign(other, data));
  std::string evil = ClientJson("webauthn.get", kChallenge, "https://evil.example");
  refused("is not this site", {kChallenge}, known, evil, data, sign(evil, data));
  std::string framed = ClientJson("webauthn.get", kChallenge, "https://auth.example.com",
                                  R"(,"topOrigin":"https://evil.example")");
  refused("cross-origin", {kChallenge}, known, framed, data, sign(framed, data));
  std::string elsewhere = authenticator.AuthData(kUp, false, "evil.example");
  refused("another RP ID", {kChallenge}, known, client, elsewhere, sign(client, elsewhere));
  std::string absent = authenticator.AuthData(0, false);
  refused("not present", {kChallenge}, known, client, absent, sign(client, absent));
  refused("not verified", {kChallenge, true}, known, client, data, sign(client, data));
  std::string eligible = authenticator.AuthData(kUp | kBe, false);
  refused("backup eligibility changed", {kChallenge}, known, client, eligible,
          sign(client, eligible));
  refused("wrong signature", {kChallenge}, known, client, data,
          sign(client, authenticator.AuthData(kUp | kUv, false)));
  refused(
      "wrong signature", {kChallenge}, known, client, data,
      sign(ClientJson("webauthn.get", kChallenge, "https://auth.example.com", R"(,"x":1)"), data));
  Authenticator impostor{SigningKey::Generate(JwsAlgorithm::kES256)};
  impostor.counter = 10;
  refused("wrong signature", {kChallenge}, known, client, data,
          impostor.Signature(data + Sha256(client)));
  refused("counter did not grow", {kChallenge}, {known.public_key, 10, false}, client, data,
          sign(client, data));
  refused("counter did not grow", {kChallenge}, {known.public_key, 11, false}, client, data,
          sign(client, data));
  refused("wrong signature", {kChallenge}, known, client, data,
          authenticator.key->Sign(data + Sha256(client)));
}

TEST(WebAuthnAssertion, AuthenticatorsWithoutACounterStayAtZero) {
  Authenticator authenticator{SigningKey::Generate(JwsAlgorithm::kEdDSA)};
  std::string client = ClientJson("webauthn.get");
  std::string data = authenticator.AuthData(kUp, false);
  auto verified = VerifyAssertion(kRp, {kChallenge}, {CoseOf(*authenticator.key), 0, false}, client,
                                  data, authenticator.Signature(data + Sha256(client)));
  ASSERT_TRUE(verified) << ReasonOf(verified.error());
  EXPECT_EQ(verified->sign_count, 0u);
}

}  // namespace
}  // namespace gatehouse
