#include "agent/user_agent_parser.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace gatehouse {
namespace {

const std::string kRegexes = std::string(GATEHOUSE_NODE_MODULES) + "/uap-core/regexes.yaml";

class UapCore : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::filesystem::exists(kRegexes)) parser_ = new UserAgentParser(kRegexes);
  }
  static void TearDownTestSuite() {
    delete parser_;
    parser_ = nullptr;
  }
  void SetUp() override {
    if (!parser_) {
      if (std::getenv("TEST_REQUIRE_BACKENDS")) FAIL() << "npm test data missing: " << kRegexes;
      GTEST_SKIP() << "npm test data not installed";
    }
  }
  static UserAgentParser* parser_;
};
UserAgentParser* UapCore::parser_ = nullptr;

TEST_F(UapCore, ParsesCommonBrowsersSystemsAndDevices) {
  struct Case {
    const char* agent;
    const char* browser;
    const char* os;
    const char* device;
    const char* browser_family;
    const char* os_family;
  };
  const Case cases[] = {
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36",
       "Chrome 120.0", "Windows 10", "Other", "Chrome", "Windows"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
       "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
       "Mobile Safari 17.1", "iOS 17.1", "iPhone", "Mobile Safari", "iOS"},
      {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
       "Firefox 121.0", "Ubuntu", "Other", "Firefox", "Ubuntu"},
      {"curl/8.4.0", "curl 8.4", "Other", "Other", "curl", "Other"},
  };
  for (const Case& c : cases) {
    ParsedUserAgent parsed = parser_->Parse(c.agent);
    EXPECT_EQ(parsed.browser, c.browser) << c.agent;
    EXPECT_EQ(parsed.os, c.os) << c.agent;
    EXPECT_EQ(parsed.device, c.device) << c.agent;
    EXPECT_EQ(parsed.browser_family, c.browser_family) << c.agent;
    EXPECT_EQ(parsed.os_family, c.os_family) << c.agent;
  }
}

TEST_F(UapCore, LoadsNearlyEveryRuleAndAnswersFromItsCache) {
  EXPECT_GT(parser_->rule_count(), 1000u);
  const char* agent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15";
  ParsedUserAgent first = parser_->Parse(agent);
  ParsedUserAgent again = parser_->Parse(agent);
  EXPECT_EQ(first.os, again.os);
}

TEST_F(UapCore, HostileAgentsParseInLinearTime) {
  // Long runs that make backtracking engines explode.
  for (std::string agent :
       {std::string(512, 'a'), std::string(512, '('), "Mozilla/5.0 (" + std::string(500, ';') + ")",
        std::string(256, '1') + std::string(256, '.')}) {
    auto start = std::chrono::steady_clock::now();
    ParsedUserAgent parsed = parser_->Parse(agent);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
    EXPECT_FALSE(parsed.browser.empty());
  }
}

TEST(UserAgentParser, WithoutRulesEverythingIsOther) {
  UserAgentParser parser("");
  ParsedUserAgent parsed = parser.Parse("Mozilla/5.0");
  EXPECT_EQ(parsed.browser, "Other");
  EXPECT_EQ(parsed.os, "Other");
  EXPECT_EQ(parsed.device, "Other");
  EXPECT_EQ(parsed.browser_family, "Other");
  EXPECT_EQ(parsed.os_family, "Other");
}

TEST(ParsedUserAgent, ShowsBrowserAndSystemLeavingOutWhatIsUnknown) {
  EXPECT_EQ((ParsedUserAgent{"Chrome 120.0", "Windows 10", "Other"}.Shown()),
            "Chrome 120.0, Windows 10");
  EXPECT_EQ((ParsedUserAgent{"curl 8.0", "Other", "Other"}.Shown()), "curl 8.0");
  EXPECT_EQ((ParsedUserAgent{"Other", "Android 14", "Pixel 8"}.Shown()), "Android 14");
  EXPECT_EQ((ParsedUserAgent{"Other", "Other", "Other"}.Shown()), "");
  EXPECT_EQ(ParsedUserAgent{}.Shown(), "");
}

TEST(UserAgentParser, AFileThatIsNotUapCoreStopsStartUp) {
  EXPECT_THROW(UserAgentParser("/nonexistent/regexes.yaml"), std::runtime_error);
  EXPECT_THROW(UserAgentParser("/etc/hostname"), std::runtime_error);
}

}  // namespace
}  // namespace gatehouse
