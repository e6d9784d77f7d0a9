#include "webhooks/webhook_signature.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

// The example of the Standard Webhooks specification (and of its reference libraries).
TEST(WebhookSignature, SignsAsTheSpecificationsExample) {
  auto secret = WebhookSecretBytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(secret);
  EXPECT_EQ(WebhookSignature(*secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                             "{\"test\": 2432232314}"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, AnyChangeChangesTheSignature) {
  std::string secret = *WebhookSecretBytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  std::string base = WebhookSignature(secret, "msg_1", 1000, "{}");
  EXPECT_NE(WebhookSignature(secret, "msg_2", 1000, "{}"), base);
  EXPECT_NE(WebhookSignature(secret, "msg_1", 1001, "{}"), base);
  EXPECT_NE(WebhookSignature(secret, "msg_1", 1000, "{ }"), base);
  EXPECT_NE(WebhookSignature(secret + "x", "msg_1", 1000, "{}"), base);
}

TEST(WebhookSignature, NewSecretsAreDistinctAndReadBack) {
  std::string a = NewWebhookSecret();
  std::string b = NewWebhookSecret();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("whsec_", 0), 0u);
  ASSERT_TRUE(WebhookSecretBytes(a));
  EXPECT_EQ(WebhookSecretBytes(a)->size(), 24u);
  for (const char* bad : {"", "whsec_", "secret_abc", "whsec_***"}) {
    EXPECT_FALSE(WebhookSecretBytes(bad)) << bad;
  }
}

}  // namespace
}  // namespace gatehouse
