#include "core/form_encoding.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(FormEncoding, PercentEncodesAllButUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b&c=d+e/f?g#h%"), "a%20b%26c%3Dd%2Be%2Ff%3Fg%23h%25");
  EXPECT_EQ(PercentEncode("+15005550006"), "%2B15005550006");
  EXPECT_EQ(PercentEncode("é\r\n"), "%C3%A9%0D%0A");
  EXPECT_EQ(PercentEncode(std::string_view("\0", 1)), "%00");
}

TEST(FormEncoding, PercentDecodingKeepsPlusUnlessItIsAFormValue) {
  EXPECT_EQ(PercentDecode("a+b%20c%2B"), "a+b c+");
  EXPECT_EQ(FormDecode("a+b%20c%2B"), "a b c+");
  EXPECT_FALSE(PercentDecode("%"));
  EXPECT_FALSE(FormDecode("%g0"));
}

TEST(FormEncoding, ParsesAFormPostAndRefusesWhatIsAmbiguousOrBroken) {
  auto form = ParseForm("email=ada%40example.com&password=a+b%2Bc%26d&remember_me=1&empty=&flag");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->at("email"), "ada@example.com");
  EXPECT_EQ(form->at("password"), "a b+c&d");
  EXPECT_EQ(form->at("remember_me"), "1");
  EXPECT_EQ(form->at("empty"), "");
  EXPECT_EQ(form->at("flag"), "");
  EXPECT_TRUE(ParseForm("")->empty());
  EXPECT_EQ(ParseForm("a=1&&b=2")->size(), 2u);
  EXPECT_EQ(ParseForm("na%C3%AFve=%E2%9C%93")->at("na\xC3\xAFve"), "\xE2\x9C\x93");
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "a=1&a=2", "%=x", "a=%0g"}) {
    EXPECT_FALSE(ParseForm(bad)) << bad;
  }
  std::string many;
  for (int i = 0; i < 65; ++i) many += "f" + std::to_string(i) + "=x&";
  EXPECT_FALSE(ParseForm(many));
  EXPECT_TRUE(ParseForm(many, 100));
}

}  // namespace
}  // namespace gatehouse
