#include "core/factor_method.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

constexpr FactorMethod kAll[] = {FactorMethod::kTotp, FactorMethod::kEmail, FactorMethod::kSms,
                                 FactorMethod::kWebauthn, FactorMethod::kRecoveryCode};

TEST(FactorMethod, EachNameParsesBackToItsMethod) {
  for (FactorMethod method : kAll) {
    ASSERT_FALSE(NameOf(method).empty());
    EXPECT_EQ(ParseFactorMethod(NameOf(method)), method);
  }
  EXPECT_EQ(NameOf(FactorMethod::kRecoveryCode), "recovery_code");  // the API's spelling
}

TEST(FactorMethod, AnythingElseIsNoMethod) {
  for (const char* other :
       {"", "TOTP", "totp ", "recovery-code", "WebAuthn", "passkey", "e-mail"}) {
    EXPECT_FALSE(ParseFactorMethod(other).has_value()) << other;
  }
}

TEST(FactorMethod, OnlyEmailAndSmsSendCodesAndRecoveryCodesAreNotEnrolled) {
  EXPECT_TRUE(SendsCodes(FactorMethod::kEmail));
  EXPECT_TRUE(SendsCodes(FactorMethod::kSms));
  EXPECT_FALSE(SendsCodes(FactorMethod::kTotp));
  EXPECT_FALSE(SendsCodes(FactorMethod::kRecoveryCode));
  EXPECT_TRUE(IsEnrollable(FactorMethod::kTotp));
  EXPECT_FALSE(IsEnrollable(FactorMethod::kRecoveryCode));
  EXPECT_FALSE(IsEnrollable(FactorMethod::kWebauthn));  // passkeys have their own routes
  EXPECT_FALSE(SendsCodes(FactorMethod::kWebauthn));
  EXPECT_EQ(NamesOf({FactorMethod::kSms, FactorMethod::kRecoveryCode}),
            (std::vector<std::string>{"sms", "recovery_code"}));
}

}  // namespace
}  // namespace gatehouse
