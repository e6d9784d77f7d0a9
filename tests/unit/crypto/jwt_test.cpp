#include "crypto/jwt.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "crypto/random.hpp"
#include "crypto/signing_key.hpp"

namespace gatehouse {
namespace {

std::string B64(std::string_view text) { return Base64UrlDecode(text).value(); }

// The "x" member of a JWK JSON text.
std::string JwkX(const std::string& jwk) {
  auto start = jwk.find("\"x\":\"") + 5;
  return jwk.substr(start, jwk.find('"', start) - start);
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }
};

// RFC 8037 appendix A.1 key and A.4 signature over "Example of Ed25519 signing".
TEST_F(JwtTest, Ed25519MatchesRfc8037Vector) {
  auto key = SigningKey::FromEd25519Seed("k", B64("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"));
  ASSERT_TRUE(key.ok());
  std::string input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  std::string expected =
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
  EXPECT_EQ(Base64UrlEncode((*key)->Sign(input)), expected);
  EXPECT_TRUE((*key)->Verify(input, B64(expected)));
  // The public JWK is RFC 8037's x.
  EXPECT_NE((*key)->PublicJwkJson().find("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            std::string::npos);
}

// RFC 7515 appendix A.1 (HS256).
TEST_F(JwtTest, Hs256MatchesRfc7515Vector) {
  auto key = SigningKey::FromSecret("k", B64("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-"
                                             "1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"));
  std::string input =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ";
  EXPECT_EQ(Base64UrlEncode(key->Sign(input)), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

// RFC 7515 appendix A.3 (ES256): ECDSA is randomised, so the published signature must verify
// under the published public key.
TEST_F(JwtTest, Es256VerifiesRfc7515Vector) {
  auto key = SigningKey::FromP256("k", B64("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"),
                                  B64("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"), "");
  ASSERT_TRUE(key.ok());
  std::string input =
      "eyJhbGciOiJFUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ";
  std::string signature =
      "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
  EXPECT_TRUE((*key)->Verify(input, B64(signature)));
  EXPECT_FALSE((*key)->Verify(input + "x", B64(signature)));
}

// RS256 signed by another implementation (npm jose 6, generated once for this test): the
// signature must verify under its public key, and no other input or truncation may.
TEST_F(JwtTest, Rs256VerifiesASignatureMadeByJose) {
  auto key = SigningKey::FromRsaPublic(
      "k",
      B64("7wtr1g2yGc017u0BDvb-9TvPWsANVhp7ZiE486h2LVJbmfPyzL0Ee-"
          "FSvobOAcjAsvJ1t1njGWyhwQDCUfmh2KM4h9"
          "LuTVOR9AyaOUJuw59G1Ovrm1xKcGSgMMajw-"
          "uODpRE5EQrJ94P3eShw1QkyyUE4xj3yBDpZ4be6QSpfmxfuv1sFu7O"
          "PJGMkkC3VN0bfI-0-bVcG4Hb8_wv5m51u3zxKACRuI7g-NYD2Ht4otAKAuxTYdZyp9BINmHNd1FG_"
          "NZgzqRHiSjhMO"
          "Vm9sfXUGQjK89kJ4oSmshv2PKNFUpQy4IdY0eNkhd6f_1pdKQiD3sEo0BA3pGaSeq1HUt4pQ"),
      B64("AQAB"));
  ASSERT_TRUE(key.ok()) << key.error().reason;
  std::string input = "eyJhbGciOiJSUzI1NiJ9.R2F0ZWhvdXNlIFJTMjU2IHZlY3Rvciwgc2lnbmVkIGJ5IGpvc2U";
  std::string signature = B64(
      "7dv3HRogAA7rLfwsOLlyh_hYune3VGiddHGKul85kMErX6tpPon_am1OPssWTY8vPHYKbd33-68AhkE_X4aqvpUXsu"
      "ihIuCOsqYTTl2OYXgayIxuBbGA7bhGnLUpoHRp9EeJeYI6ec3-qHg3flycw8KQFWdu1r72b4lMERq3iaeWXLTA5WCU"
      "qVtIZosP5NeQX3H1eWEj5-i0Ue2bklJlqkgwrztdwVbzHkcxVuXFeO9sJ1oPy072mqqH_3xa5KJ9nlqIpIhjKcNM6z"
      "lDM9fyVJLb9l90McMgswOyvVS34nJjkd1fJ1Y-Y2naqRS4VE3Vr2lS0sR2nmicVrsq55zWTw");
  EXPECT_TRUE((*key)->Verify(input, signature));
  EXPECT_FALSE((*key)->Verify(input + "x", signature));
  EXPECT_FALSE((*key)->Verify(input, signature.substr(1)));
  EXPECT_NE((*key)->PublicJwkJson().find("\"e\":\"AQAB\""), std::string::npos);
  // RFC 7518 §3.3: a key under 2048 bits is refused.
  EXPECT_FALSE(SigningKey::FromRsaPublic(
                   "k",
                   B64("7wtr1g2yGc017u0BDvb-9TvPWsANVhp7ZiE486h2LVJbmfPyzL0Ee-"
                       "FSvobOAcjAsvJ1t1njGWyhwQDCUfmh2KM4h9LuTVOR9AyaOUJuw59G1Ovrm1xKcGSgMMajw-"
                       "uODpRE5EQrJ94P3eShw1QkyyUE4xj3yBDpZ4be6QSpfmxfuv1sFu7OPJGMkkC3VN0bfI-0-"
                       "bVcG4Hb8_wv5m51u3zxKACRuI7g-NYD2Ht4otAKAuxTYdZyp9BINmHNd1FG_"
                       "NZgzqRHiSjhMOVm9sfXUGQjK89kJ4oSmshv2PKNFUpQy4IdY0eNkhd6f_"
                       "1pdKQiD3sEo0BA3pGaSeq1HUt4pQ")
                       .substr(0, 128),
                   B64("AQAB"))
                   .ok());
}

// A key from outside (a passkey's) is bounded: a signature check costs with the modulus' and
// the exponent's sizes.
// Checks share a key's verification context, made on the first: many at once, from the
// first on, each gets its own answer.
TEST_F(JwtTest, ConcurrentChecksWithOneKeyEachGetTheirAnswer) {
  for (JwsAlgorithm alg : {JwsAlgorithm::kES256, JwsAlgorithm::kRS256}) {
    auto key = SigningKey::Generate(alg);
    const std::string good = key->Sign("payload");
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          std::string input = (i + t) % 2 == 0 ? "payload" : "tampered";
          if (key->Verify(input, good) != (input == "payload")) ++wrong;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(wrong.load(), 0) << AlgorithmName(alg);
  }
}

TEST_F(JwtTest, RsaPublicKeysAreBoundedInSizeAndExponent) {
  const std::string e65537("\x01\x00\x01", 3);
  std::string n2048 = "\xc1" + std::string(254, '\x5a') + "\x01";
  ASSERT_TRUE(SigningKey::FromRsaPublic("k", n2048, e65537).ok());
  EXPECT_TRUE(SigningKey::FromRsaPublic("k", n2048, std::string("\0\0\x01\x00\x01", 5)).ok())
      << "leading zero bytes are no part of the size";
  std::string n4096 = "\xc1" + std::string(510, '\x5a') + "\x01";
  EXPECT_TRUE(SigningKey::FromRsaPublic("k", n4096, e65537).ok());
  EXPECT_FALSE(SigningKey::FromRsaPublic("k", "\x01" + n4096, e65537).ok());
  EXPECT_FALSE(SigningKey::FromRsaPublic("k", n2048, std::string("\x01\x00\x00", 3)).ok())
      << "even";
  EXPECT_FALSE(SigningKey::FromRsaPublic("k", n2048, "\x01").ok()) << "1";
  EXPECT_FALSE(SigningKey::FromRsaPublic("k", n2048, "").ok());
  EXPECT_FALSE(SigningKey::FromRsaPublic("k", n2048, std::string(33, '\x01')).ok())
      << "2^256 or more";
  EXPECT_TRUE(SigningKey::FromRsaPublic("k", n2048, std::string(32, '\x01')).ok());
}

TEST_F(JwtTest, P256PrivatePartMustMatchThePublicPoint) {
  auto generated = SigningKey::Generate(JwsAlgorithm::kES256);
  std::string x = B64(JwkX(generated->PublicJwkJson()));
  EXPECT_FALSE(SigningKey::FromP256("k", B64("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"),
                                    B64("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"),
                                    std::string(31, '\0') + "\x01")
                   .ok());
  EXPECT_FALSE(SigningKey::FromP256("k", x, x, "").ok()) << "not a point on the curve";
}

TokenClaims SampleClaims() {
  TokenClaims c;
  c.issuer = "https://auth.example";
  c.audience = "app";
  c.subject = "user-1";
  c.session_id = "sess-1";
  c.jwt_id = "jti-1";
  c.issued_at = 1000;
  c.expires_at = 1900;
  c.amr = {"pwd"};
  c.role = "user";
  return c;
}

struct Fixture {
  std::shared_ptr<SigningKey> key;
  KeyLookup lookup;
  JwtExpectations expect;
};

Fixture MakeFixture(JwsAlgorithm alg) {
  Fixture f;
  f.key = alg == JwsAlgorithm::kHS256 ? SigningKey::FromSecret("hs", std::string(32, 's'))
                                      : SigningKey::Generate(alg);
  f.lookup = [key = f.key](std::string_view kid) -> std::shared_ptr<const SigningKey> {
    return kid == key->kid() ? key : nullptr;
  };
  f.expect = {alg, kAccessTokenType, "https://auth.example", "app", 1500, 0};
  return f;
}

class JwtRoundTrip : public JwtTest, public ::testing::WithParamInterface<JwsAlgorithm> {};

TEST_P(JwtRoundTrip, SignedTokenVerifiesWithAllClaims) {
  Fixture f = MakeFixture(GetParam());
  std::string token = SignJwt(*f.key, kAccessTokenType, SampleClaims());
  auto claims = VerifyJwt(token, f.lookup, f.expect);
  ASSERT_TRUE(claims.ok()) << claims.error().reason;
  EXPECT_EQ(claims->subject, "user-1");
  EXPECT_EQ(claims->session_id, "sess-1");
  EXPECT_EQ(claims->jwt_id, "jti-1");
  EXPECT_EQ(claims->amr, std::vector<std::string>{"pwd"});
  EXPECT_EQ(claims->role, "user");
}

// Every single bit flip anywhere in the signature must be rejected.
TEST_P(JwtRoundTrip, EveryBitFlipOfTheSignatureIsRejected) {
  Fixture f = MakeFixture(GetParam());
  std::string token = SignJwt(*f.key, kAccessTokenType, SampleClaims());
  auto dot = token.rfind('.');
  std::string signature = B64(token.substr(dot + 1));
  for (std::size_t byte = 0; byte < signature.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = signature;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      std::string forged = token.substr(0, dot + 1) + Base64UrlEncode(flipped);
      auto result = VerifyJwt(forged, f.lookup, f.expect);
      ASSERT_FALSE(result.ok()) << "byte " << byte << " bit " << bit;
      EXPECT_EQ(result.error().code, Errc::kInvalidToken);
    }
  }
}

TEST_P(JwtRoundTrip, EveryBitFlipOfThePayloadIsRejected) {
  Fixture f = MakeFixture(GetParam());
  std::string token = SignJwt(*f.key, kAccessTokenType, SampleClaims());
  auto first = token.find('.');
  auto last = token.rfind('.');
  std::string payload = B64(token.substr(first + 1, last - first - 1));
  for (std::size_t byte = 0; byte < payload.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = payload;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      std::string forged =
          token.substr(0, first + 1) + Base64UrlEncode(flipped) + token.substr(last);
      ASSERT_FALSE(VerifyJwt(forged, f.lookup, f.expect).ok()) << byte << ":" << bit;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, JwtRoundTrip,
                         ::testing::Values(JwsAlgorithm::kEdDSA, JwsAlgorithm::kES256,
                                           JwsAlgorithm::kRS256, JwsAlgorithm::kHS256));

std::string Forge(std::string_view header_json, std::string_view payload_json,
                  std::string_view signature = "") {
  return Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json) + "." +
         Base64UrlEncode(signature);
}

TEST_F(JwtTest, AlgNoneIsRejected) {
  Fixture f = MakeFixture(JwsAlgorithm::kEdDSA);
  std::string payload =
      R"({"iss":"https://auth.example","aud":"app","sub":"u","sid":"s","jti":"j","iat":1000,"exp":1900})";
  for (auto alg : {"none", "None", "NONE", ""}) {
    std::string header =
        std::string(R"({"alg":")") + alg + R"(","typ":"at+jwt","kid":")" + f.key->kid() + "\"}";
    EXPECT_FALSE(VerifyJwt(Forge(header, payload), f.lookup, f.expect).ok()) << alg;
  }
}

// Algorithm confusion: an attacker HMACs a token with the server's public key.
TEST_F(JwtTest, Hs256SignedWithThePublicKeyIsRejected) {
  Fixture f = MakeFixture(JwsAlgorithm::kEdDSA);
  std::string jwk = f.key->PublicJwkJson();
  auto attacker = SigningKey::FromSecret(f.key->kid(), jwk);
  std::string token = SignJwt(*attacker, kAccessTokenType, SampleClaims());
  auto result = VerifyJwt(token, f.lookup, f.expect);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().reason, "algorithm not allowed");
}

TEST_F(JwtTest, KeyOfAnotherAlgorithmUnderTheSameKidIsRejected) {
  Fixture f = MakeFixture(JwsAlgorithm::kEdDSA);
  auto es = SigningKey::Generate(JwsAlgorithm::kES256);
  KeyLookup mixed = [&](std::string_view) -> std::shared_ptr<const SigningKey> { return es; };
  std::string token = SignJwt(*f.key, kAccessTokenType, SampleClaims());
  EXPECT_FALSE(VerifyJwt(token, mixed, f.expect).ok());
}

TEST_F(JwtTest, SwappedTokenTypeIsRejected) {
  Fixture f = MakeFixture(JwsAlgorithm::kEdDSA);
  std::string refresh = SignJwt(*f.key, kRefreshTokenType, SampleClaims());
  auto result = VerifyJwt(refresh, f.lookup, f.expect);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().reason, "wrong token type");
}

TEST_F(JwtTest, WrongIssuerAudienceAndExpiryAreRejected) {
  Fixture f = MakeFixture(JwsAlgorithm::kEdDSA);
  auto check = [&](TokenClaims claims, const char* reason) {
    auto result = VerifyJwt(SignJwt(*f.key, kAccessTokenType, claims), f.lookup, f.expect);
    ASSERT_FALSE(result.ok()) << reason;
    EXPECT_EQ(result.error().reason, reason);
  };
  TokenClaims c = SampleClaims();
  c.issuer = "https://evil.example";
  check(c, "wrong issuer");
  c = SampleClaims();
  c.audience = "other-app";
  check(c, "wrong audience");
  c = SampleClaims();
  c.expires_at = 1500;  // exp == now: expired
  check(c, "expired");
  c = SampleClaims();
  c.issued_at = 1600;  // from the future
  check(c, "issued in the future");
}

TEST_F(JwtTest, LeewayToleratesSmallClockSkew) {
  Fixture f = MakeFixture(JwsAlgorithm::kEdDSA);
  TokenClaims c = SampleClaims();
  c.expires_at = 1490;
  f.expect.leeway_seconds = 30;
  EXPECT_TRUE(VerifyJwt(SignJwt(*f.key, kAccessTokenType, c), f.lookup, f.expect).ok());
}

TEST_F(JwtTest, NotBeforeInTheFutureIsRejected) {
  Fixture f = MakeFixture(JwsAlgorithm::kHS256);
  std::string header = R"({"alg":"HS256","typ":"at+jwt","kid":"hs"})";
  std::string payload =
      R"({"iss":"https://auth.example","aud":"app","sub":"u","sid":"s","jti":"j","iat":1000,"exp":1900,"nbf":1600})";
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  std::string token = input + "." + Base64UrlEncode(f.key->Sign(input));
  auto result = VerifyJwt(token, f.lookup, f.expect);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().reason, "not yet valid");
}

TEST_F(JwtTest, MalformedTokensAreRejectedWithoutCrashing) {
  Fixture f = MakeFixture(JwsAlgorithm::kEdDSA);
  std::string valid = SignJwt(*f.key, kAccessTokenType, SampleClaims());
  for (std::string junk :
       {std::string(""), std::string("."), std::string(".."), std::string("a.b.c"),
        std::string("a.b.c.d"), valid + ".", valid + "=", "=" + valid, std::string(9000, 'a'),
        Forge("[]", "{}"), Forge("{}", "[]"), Forge("{\"alg\":1}", "{}")}) {
    EXPECT_FALSE(VerifyJwt(junk, f.lookup, f.expect).ok()) << junk.substr(0, 40);
  }
}

TEST_F(JwtTest, StoredPemRoundTripsForAsymmetricKeys) {
  for (auto alg : kAsymmetricAlgorithms) {
    auto key = SigningKey::Generate(alg);
    auto restored = SigningKey::FromPrivatePem(key->kid(), alg, key->PrivatePem());
    ASSERT_TRUE(restored.ok());
    EXPECT_EQ((*restored)->PublicJwkJson(), key->PublicJwkJson());
    EXPECT_TRUE((*restored)->Verify("data", key->Sign("data")));
  }
  auto ed = SigningKey::Generate(JwsAlgorithm::kEdDSA);
  EXPECT_FALSE(SigningKey::FromPrivatePem("k", JwsAlgorithm::kES256, ed->PrivatePem()).ok());
  EXPECT_FALSE(SigningKey::FromPrivatePem("k", JwsAlgorithm::kRS256, ed->PrivatePem()).ok());
  EXPECT_FALSE(SigningKey::FromPrivatePem("k", JwsAlgorithm::kEdDSA, "not a pem").ok());
}

TEST_F(JwtTest, Base64UrlRejectsNonCanonicalInput) {
  EXPECT_EQ(Base64UrlDecode("QQ").value(), "A");
  EXPECT_FALSE(Base64UrlDecode("QR").has_value());  // stray low bits
  EXPECT_FALSE(Base64UrlDecode("QQ==").has_value());
  EXPECT_FALSE(Base64UrlDecode("Q+Q").has_value());
}

}  // namespace
}  // namespace gatehouse
