#include "crypto/totp.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace gatehouse {
namespace {

// RFC 6238 appendix B: 8-digit codes for the three HMACs and their seeds.
const std::string kSeed1 = "12345678901234567890";
const std::string kSeed256 = "12345678901234567890123456789012";
const std::string kSeed512 = "1234567890123456789012345678901234567890123456789012345678901234";

struct Vector {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};
constexpr Vector kVectors[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

TEST(Totp, Rfc6238VectorsForSha1Sha256AndSha512) {
  for (const Vector& v : kVectors) {
    EXPECT_EQ(TotpCode(kSeed1, v.time, TotpHash::kSha1, 8), v.sha1) << v.time;
    EXPECT_EQ(TotpCode(kSeed256, v.time, TotpHash::kSha256, 8), v.sha256) << v.time;
    EXPECT_EQ(TotpCode(kSeed512, v.time, TotpHash::kSha512, 8), v.sha512) << v.time;
  }
}

TEST(Totp, SixDigitCodesVerifyWithinOneStepEitherSide) {
  const std::int64_t now = 1111111111;
  std::string code = std::string(kVectors[2].sha1).substr(2);  // 6 digits: the last six
  auto counter = VerifyTotp(kSeed1, code, now, std::nullopt);
  ASSERT_TRUE(counter.has_value());
  EXPECT_EQ(*counter, static_cast<std::uint64_t>(now / 30));
  EXPECT_TRUE(VerifyTotp(kSeed1, code, now + 30, std::nullopt).has_value()) << "one step late";
  EXPECT_TRUE(VerifyTotp(kSeed1, code, now - 30, std::nullopt).has_value()) << "one step early";
  EXPECT_FALSE(VerifyTotp(kSeed1, code, now + 61, std::nullopt).has_value()) << "two steps late";
  EXPECT_FALSE(VerifyTotp(kSeed1, code, now - 60, std::nullopt).has_value()) << "two early";
}

TEST(Totp, AnAcceptedCodeAndOlderOnesAreRefusedAfterwards) {
  const std::int64_t now = 2000000000;
  std::string current = TotpCode(kSeed1, now);
  std::string previous = TotpCode(kSeed1, now - 30);
  auto accepted = VerifyTotp(kSeed1, current, now, std::nullopt);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_FALSE(VerifyTotp(kSeed1, current, now, accepted).has_value()) << "replay";
  EXPECT_FALSE(VerifyTotp(kSeed1, previous, now, accepted).has_value()) << "older step";
  std::string next = TotpCode(kSeed1, now + 30);
  EXPECT_TRUE(VerifyTotp(kSeed1, next, now + 30, accepted).has_value()) << "the next step";
}

TEST(Totp, MalformedCodesAreRefused) {
  for (const char* bad : {"", "12345", "1234567", "12345a", " 12345", "１２３４５６"}) {
    EXPECT_FALSE(VerifyTotp(kSeed1, bad, 59, std::nullopt).has_value()) << bad;
  }
}

TEST(Totp, Base32AndOtpauthUri) {
  EXPECT_EQ(Base32("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(Base32("f"), "MY");
  EXPECT_EQ(Base32("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(OtpauthUri("Acme Corp", "ada@example.com", kSeed1),
            "otpauth://totp/Acme%20Corp:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Acme%20Corp&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(NewTotpSecret().size(), kTotpSecretBytes);
  EXPECT_NE(NewTotpSecret(), NewTotpSecret());
}

// oathtool (Debian's oath-toolkit) as an independent implementation.
TEST(Totp, AgreesWithOathtool) {
  if (std::system("command -v oathtool >/dev/null 2>&1") != 0) {
    if (std::getenv("TEST_REQUIRE_BACKENDS")) FAIL() << "oathtool is not installed";
    GTEST_SKIP() << "oathtool is not installed";
  }
  std::string secret = NewTotpSecret();
  for (std::int64_t t : {59LL, 1700000000LL, 1700000029LL, 1700000030LL}) {
    std::string command =
        "oathtool --totp -b " + Base32(secret) + " --now=@" + std::to_string(t) + " 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::array<char, 32> out{};
    ASSERT_NE(fgets(out.data(), out.size(), pipe), nullptr);
    pclose(pipe);
    std::string theirs(out.data());
    theirs.erase(theirs.find_last_not_of("\r\n") + 1);
    EXPECT_EQ(TotpCode(secret, t), theirs) << t;
  }
}

}  // namespace
}  // namespace gatehouse
