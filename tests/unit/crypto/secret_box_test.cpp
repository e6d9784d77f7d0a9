#include "crypto/secret_box.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

class SecretBoxTest : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }
};

TEST_F(SecretBoxTest, SealedSecretsOpenWithTheKeyOnly) {
  SecretBox box(RandomBytes(SecretBox::kKeyBytes));
  std::string secret = RandomBytes(20);
  std::string sealed = box.Seal(secret);
  EXPECT_EQ(sealed.rfind("sb1.", 0), 0u);
  EXPECT_EQ(sealed.find(secret), std::string::npos);
  EXPECT_NE(box.Seal(secret), sealed) << "a fresh nonce each time";
  ASSERT_TRUE(box.Open(sealed).has_value());
  EXPECT_EQ(*box.Open(sealed), secret);
  SecretBox other(RandomBytes(SecretBox::kKeyBytes));
  EXPECT_FALSE(other.Open(sealed).has_value()) << "wrong key";
}

TEST_F(SecretBoxTest, AnyChangeToTheSealedTextIsDetected) {
  SecretBox box(RandomBytes(SecretBox::kKeyBytes));
  std::string sealed = box.Seal("JBSWY3DPEHPK3PXP");
  for (std::size_t i = 4; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(box.Open(tampered).has_value()) << i;
  }
  for (const char* bad : {"", "sb1.", "sb1.AAAA", "sb2.", "plain secret"}) {
    EXPECT_FALSE(box.Open(bad).has_value()) << bad;
  }
}

// Expected value from Python's hashlib: blake2b(key=blake2b(key=master, salt=LE64(1),
// person="ghsecret")) — libsodium's crypto_kdf — so the derivation is the documented one.
TEST_F(SecretBoxTest, KeyedHashIsBlake2bUnderADerivedKey) {
  std::string master;
  for (int i = 0; i < 32; ++i) master += static_cast<char>(i);
  SecretBox box(master);
  EXPECT_EQ(box.KeyedHash("user-1\nemail\n123456"),
            "9405d39bb0ee841158fd577b96ac1e95f45ee2f36ecc462d94dc69ad5a9b9c63");
  EXPECT_EQ(box.KeyedHash("123456"), box.KeyedHash("123456"));
  EXPECT_NE(box.KeyedHash("123456"), box.KeyedHash("123457"));
  SecretBox other(RandomBytes(SecretBox::kKeyBytes));
  EXPECT_NE(other.KeyedHash("123456"), box.KeyedHash("123456")) << "another key, another hash";
  EXPECT_NE(box.KeyedHash("123456"), Sha256Hex("123456"));
}

TEST_F(SecretBoxTest, KeysMustBe32Bytes) {
  EXPECT_THROW(SecretBox(std::string(31, 'k')), std::invalid_argument);
  EXPECT_THROW(SecretBox(std::string(33, 'k')), std::invalid_argument);
}

}  // namespace
}  // namespace gatehouse
