#include "auth/validation.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(Validation, NormalizesEmailAddresses) {
  EXPECT_EQ(NormalizeEmail("  Ada@Example.COM ").value(), "ada@example.com");
  EXPECT_EQ(NormalizeEmail("first.last+tag@sub.example.org").value(),
            "first.last+tag@sub.example.org");
}

TEST(Validation, RejectsMalformedEmailAddresses) {
  for (const char* bad :
       {"", "plain", "@example.com", "a@", "a@b", "a@.com", "a@example.", "a@example..com",
        "a b@example.com", "a@@example.com", "a\r\n@example.com", "<a>@example.com",
        "a,b@example.com", "\xff@example.com"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
  EXPECT_FALSE(NormalizeEmail(std::string(65, 'a') + "@example.com").has_value());
  EXPECT_FALSE(NormalizeEmail("a@" + std::string(250, 'b') + ".com").has_value());
}

TEST(Validation, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x94\x90"));   // U+1F510
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_EQ(CodePointCount("a\xf0\x9f\x94\x90"
                           "b"),
            3u);
}

TEST(Validation, Names) {
  EXPECT_FALSE(CheckName("Ada Lovelace").has_value());
  EXPECT_FALSE(CheckName("").has_value());
  EXPECT_TRUE(CheckName("a\nb").has_value());
  EXPECT_TRUE(CheckName(std::string(201, 'n')).has_value());
}

TEST(NormalizePhoneNumber, AcceptsE164AndDropsTypedSeparators) {
  EXPECT_EQ(NormalizePhoneNumber("+447700900123").value(), "+447700900123");
  EXPECT_EQ(NormalizePhoneNumber("+44 7700 900123").value(), "+447700900123");
  EXPECT_EQ(NormalizePhoneNumber("+1 (415) 555-2671").value(), "+14155552671");
  EXPECT_EQ(NormalizePhoneNumber("+6834002").value(), "+6834002");                  // 7 digits
  EXPECT_EQ(NormalizePhoneNumber("+123456789012345").value(), "+123456789012345");  // 15
}

TEST(NormalizePhoneNumber, RefusesWhatIsNotE164) {
  for (const char* bad : {"", "+", "07700900123", "00447700900123", "+0447700900123", "+123456",
                          "+1234567890123456", "+44 7700 9001x3", "+44\n7700900123",
                          "+44/7700900123", "tel:+447700900123", "++447700900123"}) {
    EXPECT_FALSE(NormalizePhoneNumber(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace gatehouse
