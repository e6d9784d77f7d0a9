#include "webauthn/challenge.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

class ChallengeTest : public ::testing::Test {
 protected:
  SecretBox box{RandomBytes(SecretBox::kKeyBytes)};
  ChallengeIssuer issuer{box};
};

TEST_F(ChallengeTest, AChallengeChecksForWhatItWasIssuedForUntilItExpires) {
  std::string challenge = issuer.Issue("sign-in", "", 1000);
  auto nonce = issuer.Check(challenge, "sign-in", "", 1000);
  ASSERT_TRUE(nonce);
  EXPECT_EQ(nonce->size(), 16u);
  EXPECT_TRUE(issuer.Check(challenge, "sign-in", "", 1000 + ChallengeIssuer::kLifetimeSeconds - 1));
  EXPECT_FALSE(issuer.Check(challenge, "sign-in", "", 1000 + ChallengeIssuer::kLifetimeSeconds));
  EXPECT_NE(issuer.Issue("sign-in", "", 1000), challenge) << "fresh randomness each time";
}

TEST_F(ChallengeTest, AChallengeIsGoodForNothingElse) {
  std::string challenge = issuer.Issue("register", "user-1", 1000);
  EXPECT_TRUE(issuer.Check(challenge, "register", "user-1", 1000));
  EXPECT_FALSE(issuer.Check(challenge, "register", "user-2", 1000)) << "another user";
  EXPECT_FALSE(issuer.Check(challenge, "sign-in", "user-1", 1000)) << "another ceremony";
  EXPECT_FALSE(issuer.Check(challenge, "registeru", "ser-1", 1000)) << "the same bytes run on";
  SecretBox other_box{RandomBytes(SecretBox::kKeyBytes)};
  EXPECT_FALSE(ChallengeIssuer(other_box).Check(challenge, "register", "user-1", 1000))
      << "another server's key";
  for (std::size_t i = 0; i < challenge.size(); ++i) {
    std::string altered = challenge;
    altered[i] ^= 1;
    EXPECT_FALSE(issuer.Check(altered, "register", "user-1", 1000)) << "byte " << i;
  }
  EXPECT_FALSE(issuer.Check(challenge.substr(1), "register", "user-1", 1000));
  EXPECT_FALSE(issuer.Check("", "register", "user-1", 1000));
}

}  // namespace
}  // namespace gatehouse
