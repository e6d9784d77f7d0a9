#include "auth/password_policy.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>

namespace gatehouse {
namespace {

constexpr const char* kEmail = "ada.lovelace@example.com";
constexpr const char* kName = "Ada Lovelace";

struct Case {
  const char* password;
  bool accepted;
  const char* why;  // what the case is about, and a word the refusal's detail must contain
};

void PrintTo(const Case& c, std::ostream* out) { *out << '"' << c.password << '"'; }

class PasswordPolicyTable : public ::testing::TestWithParam<Case> {};

TEST_P(PasswordPolicyTable, DecidesAsNist80063bAndZxcvbnSay) {
  PasswordPolicy policy(8, 20);
  const Case& c = GetParam();
  auto refusal = policy.Check(c.password, kEmail, kName);
  EXPECT_EQ(!refusal.has_value(), c.accepted) << c.password << " — " << c.why;
  if (refusal && c.why[0] != '\0') {
    EXPECT_NE(refusal->find(c.why), std::string::npos) << *refusal;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, PasswordPolicyTable,
    ::testing::Values(
        // Common passwords, however decorated.
        Case{"password", false, "commonly used"}, Case{"password1", false, "commonly used"},
        Case{"Password1!", false, "commonly used"}, Case{"p@ssw0rd123", false, "commonly used"},
        Case{"iloveyou1", false, "commonly used"}, Case{"letmein123", false, "commonly used"},
        Case{"football", false, "commonly used"}, Case{"sunshine", false, "commonly used"},
        // Patterns.
        Case{"12345678", false, "easy to guess"}, Case{"qwertyuiop", false, "easy to guess"},
        Case{"asdfghjkl;'", false, "keyboard"}, Case{"zaq12wsx", false, "easy to guess"},
        Case{"aaaaaaaaaaaa", false, "easy to guess"}, Case{"xyxyxyxyxyxy", false, "easy to guess"},
        Case{"9876543210", false, "sequences"}, Case{"01/02/1999", false, "dates"},
        // The account's own words.
        Case{"ada.lovelace@example.com", false, "e-mail address or name"},
        Case{"ada.lovelace2024", false, "e-mail address or name"},
        Case{"xxAda LovelaceXX", false, "e-mail address or name"},
        // Too short or too long (counted in characters, not bytes).
        Case{"Zq8#vL2", false, "at least 8"}, Case{"ééé€", false, "at least 8"},
        Case{"mZ4!", false, "at least 8"},
        // Good ones: passphrases and random strings, any Unicode, no composition rules.
        Case{"correct horse battery staple", true, ""}, Case{"xK9#mQ2v!pL7", true, ""},
        Case{"purple elephant dances quietly", true, ""},
        Case{"Schöne Grüße aus München", true, ""}, Case{"日本語のパスワードです", true, ""},
        Case{"tDcWE7mbcbfaNrAQ", true, ""}, Case{"a long passphrase here", true, ""}));

TEST(PasswordPolicy, LengthCountsCharactersAfterNfcNotBytes) {
  PasswordPolicy policy(8, 0);
  EXPECT_FALSE(policy.Check("ééééééééé", "", "").has_value());  // 9 characters, 18 bytes
  EXPECT_TRUE(policy.Check("éééé", "", "").has_value());        // 4 characters, 8 bytes
  // "e" + combining acute, 8 times: 16 code points as typed, 8 characters once composed.
  std::string decomposed;
  for (int i = 0; i < 8; ++i) decomposed += "e\xCC\x81";
  EXPECT_FALSE(policy.Check(decomposed, "", "").has_value());
  EXPECT_FALSE(policy.Check(std::string(128, 'a'), "", "").has_value());
  auto too_long = policy.Check(std::string(129, 'a'), "", "");
  ASSERT_TRUE(too_long.has_value());
  EXPECT_NE(too_long->find("at most 128"), std::string::npos);
}

TEST(PasswordPolicy, RefusesInvalidUtf8AndNul) {
  PasswordPolicy policy(8, 0);
  EXPECT_TRUE(policy.Check("abcdefg\xff", "", "").has_value());
  EXPECT_TRUE(policy.Check(std::string("abcd\0efgh", 9), "", "").has_value());
}

TEST(PasswordPolicy, MinimumLengthIsConfigurable) {
  PasswordPolicy policy(12, 20);
  EXPECT_TRUE(policy.Check("xK9#mQ2v!pL", kEmail, kName).has_value());  // 11
  EXPECT_FALSE(policy.Check("xK9#mQ2v!pL7", kEmail, kName).has_value());
}

TEST(PasswordPolicy, ShortNamePartsDoNotForbidEveryPasswordContainingThem) {
  PasswordPolicy policy(8, 20);
  // "ann" is a word of the name but too short to forbid outright.
  EXPECT_FALSE(policy.Check("channel planning tonight", "ann@example.com", "Ann Li").has_value());
}

TEST(PasswordPolicy, WorstCaseInputIsFast) {
  PasswordPolicy policy(8, 20);
  auto start = std::chrono::steady_clock::now();
  for (const char* unit : {"a", "ab", "1234567890", "qwertyuiop", "p@ssw0rd"}) {
    std::string password;
    while (password.size() < 128) password += unit;
    password.resize(128);
    (void)policy.Check(password, kEmail, kName);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace gatehouse
