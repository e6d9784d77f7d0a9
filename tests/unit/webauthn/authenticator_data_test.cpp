#include "webauthn/authenticator_data.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

const std::string kRpIdHash(32, '\x11');
// A COSE key's shape is enough here: {1: 2}.
const std::string kKey = "\xa1\x01\x02";

std::string Header(unsigned char flags, std::uint32_t count = 7) {
  std::string out = kRpIdHash;
  out += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((count >> shift) & 0xff);
  return out;
}

std::string Attested(std::string_view id, std::string_view key = kKey) {
  std::string out(16, '\x22');  // aaguid
  out += static_cast<char>(id.size() >> 8);
  out += static_cast<char>(id.size() & 0xff);
  return out + std::string(id) + std::string(key);
}

TEST(AuthenticatorData, ReadsAnAssertionsFlagsAndCounter) {
  auto data = ParseAuthenticatorData(Header(0x01 | 0x04 | 0x08 | 0x10, 0x01020304));
  ASSERT_TRUE(data);
  EXPECT_EQ(data->rp_id_hash, kRpIdHash);
  EXPECT_TRUE(data->user_present);
  EXPECT_TRUE(data->user_verified);
  EXPECT_TRUE(data->backup_eligible);
  EXPECT_TRUE(data->backed_up);
  EXPECT_EQ(data->sign_count, 0x01020304u);
  EXPECT_FALSE(data->attested);
  auto bare = ParseAuthenticatorData(Header(0x00));
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->user_present || bare->user_verified || bare->backup_eligible);
}

TEST(AuthenticatorData, ReadsTheAttestedCredentialOfARegistration) {
  auto data = ParseAuthenticatorData(Header(0x41) + Attested("cred-id"));
  ASSERT_TRUE(data && data->attested);
  EXPECT_EQ(data->attested->aaguid, std::string(16, '\x22'));
  EXPECT_EQ(data->attested->credential_id, "cred-id");
  EXPECT_EQ(data->attested->public_key, kKey);
  // With extensions after the key.
  auto extended = ParseAuthenticatorData(Header(0xc1) + Attested("id") + "\xa1\x61x\xf5");
  ASSERT_TRUE(extended && extended->attested);
  EXPECT_EQ(extended->attested->public_key, kKey);
}

TEST(AuthenticatorData, RefusesBytesThatContradictTheirFlags) {
  std::string long_id(1024, 'i');
  for (const std::string& bad : {
           std::string(36, '\0'),                              // too short
           Header(0x01) + "x",                                 // trailing bytes
           Header(0x41),                                       // credential announced, absent
           Header(0x41) + Attested("id").substr(0, 20),        // cut inside the ID
           Header(0x41) + Attested("id", ""),                  // no key
           Header(0x41) + Attested("id", "\x83\x01\x02\x03"),  // a key that is no map
           Header(0x41) + Attested(long_id),                   // an ID over 1023 bytes
           Header(0x01) + Attested("id"),                      // a credential, unannounced
           Header(0x81),                                       // extensions announced, absent
           Header(0x41) + Attested("id") + "\xa0",             // extensions, unannounced
           Header(0x10),                                       // backed up, not eligible
       }) {
    EXPECT_FALSE(ParseAuthenticatorData(bad)) << bad.size();
  }
}

}  // namespace
}  // namespace gatehouse
