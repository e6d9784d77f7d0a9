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

}  // namespace
}  // namespace gatehouse
