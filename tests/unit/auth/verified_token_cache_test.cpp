#include "auth/verified_token_cache.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TokenClaims ClaimsFor(const std::string& jti) {
  TokenClaims c;
  c.jwt_id = jti;
  c.expires_at = 100;
  return c;
}

TEST(VerifiedTokenCache, HitsOnlyTheIdenticalToken) {
  VerifiedTokenCache cache(1024);
  cache.Remember("header.payload.signature", ClaimsFor("a"));
  ASSERT_TRUE(cache.Find("header.payload.signature").has_value());
  EXPECT_EQ(cache.Find("header.payload.signature")->jwt_id, "a");
  EXPECT_FALSE(cache.Find("header.payload.signaturf").has_value());
  EXPECT_FALSE(cache.Find("header.payload.signature ").has_value());
  EXPECT_FALSE(cache.Find("").has_value());
}

TEST(VerifiedTokenCache, StaysBounded) {
  VerifiedTokenCache cache(64);
  for (int i = 0; i < 10000; ++i) cache.Remember("token" + std::to_string(i), ClaimsFor("x"));
  int remembered = 0;
  for (int i = 0; i < 10000; ++i) remembered += cache.Find("token" + std::to_string(i)) ? 1 : 0;
  EXPECT_LE(remembered, 64);
  EXPECT_TRUE(cache.Find("token9999").has_value()) << "the newest is kept";
}

}  // namespace
}  // namespace gatehouse
