#include "core/base64url_text.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace gatehouse {
namespace {

TEST(Base64UrlText, AcceptsOnlyTheUrlSafeAlphabet) {
  EXPECT_TRUE(IsBase64UrlText("AZaz09-_"));
  EXPECT_TRUE(IsBase64UrlText(""));
  for (const std::string& bad : std::initializer_list<std::string>{
           "a+b", "a/b", "a=", "a b", "a.b", "a\xc3\xa9", std::string("a\0b", 3)}) {
    EXPECT_FALSE(IsBase64UrlText(bad)) << bad;
  }
}

TEST(Base64UrlText, ServerMadeIdsAreAtMost64Characters) {
  EXPECT_TRUE(IsServerMadeIdOrEmpty(""));
  EXPECT_TRUE(IsServerMadeIdOrEmpty(std::string(64, 'a')));
  EXPECT_FALSE(IsServerMadeIdOrEmpty(std::string(65, 'a')));
  EXPECT_FALSE(IsServerMadeIdOrEmpty("01H'--"));
}

}  // namespace
}  // namespace gatehouse
