#include "config/config.hpp"

#include <gtest/gtest.h>

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config_keys.hpp"

namespace gatehouse {
namespace {

// A file per call and per process: ctest runs tests of this binary in parallel.
std::string WriteYaml(const std::string& text) {
  static int counter = 0;
  std::string path = ::testing::TempDir() + "gatehouse_config_" + std::to_string(getpid()) + "_" +
                     std::to_string(++counter) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

std::string ErrorOf(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  try {
    LoadConfig(WriteYaml(yaml), env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, EmbeddedDefaultsMatchApiMd) {
  Config c = LoadConfig("", {});
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.database.url.rfind("sqlite://", 0), 0u);
  EXPECT_EQ(c.cache.type, "memory");
  EXPECT_EQ(c.mail.transport, "log");
  EXPECT_EQ(c.tokens.algorithm, "EdDSA");
  EXPECT_EQ(c.tokens.access_ttl_seconds, 900);
  EXPECT_EQ(c.tokens.refresh_ttl_seconds, 3600);
  EXPECT_EQ(c.tokens.remember_access_ttl_seconds, 86400);
  EXPECT_EQ(c.tokens.remember_refresh_ttl_seconds, 14 * 86400);
  EXPECT_EQ(c.tokens.refresh_reuse_grace_seconds, 0);
  EXPECT_EQ(c.server.body_limit_bytes, 1024 * 1024);
  EXPECT_EQ(c.sms.provider, "log");
}

TEST(Config, ThreadCountsFollowTheCoresUnlessGiven) {
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  const int cores = CPU_COUNT(&set);
  Config c = LoadConfig("", {});
  EXPECT_EQ(c.server.io_threads, cores);
  EXPECT_EQ(c.password_hash.threads, cores);
  EXPECT_EQ(c.server.worker_threads, cores + 16 + std::max(16, 8 * cores));
  EXPECT_EQ(c.database.pool_size, std::max(4, 2 * cores));

  // Workers follow a larger hashing pool, so token checks still have threads during a flood.
  Config bigger = LoadConfig(WriteYaml("password_hash:\n  threads: 6\n  queue_limit: 40\n"), {});
  EXPECT_EQ(bigger.server.worker_threads, 6 + 40 + std::max(16, 8 * cores));

  Config given = LoadConfig(
      WriteYaml("server:\n  io_threads: 3\n  worker_threads: 40\npassword_hash:\n  threads: 1\n"),
      {});
  EXPECT_EQ(given.server.io_threads, 3);
  EXPECT_EQ(given.server.worker_threads, 40);
  EXPECT_EQ(given.password_hash.threads, 1);
  EXPECT_NE(ErrorOf("server:\n  io_threads: 0\n").find("'server.io_threads'"), std::string::npos);
}

TEST(Config, FileValuesAndEnvironmentOverrides) {
  Config c = LoadConfig(WriteYaml("server:\n  port: 9000\n  public_url: https://id.example\n"
                                  "mail:\n  smtp:\n    port: 2525\n"),
                        {{"GATEHOUSE_SERVER_PORT", "9100"},
                         {"HOME", "/root"},
                         {"GATEHOUSE_TOKENS_REFRESH_REUSE_GRACE_SECONDS", "5"}});
  EXPECT_EQ(c.server.port, 9100);
  EXPECT_EQ(c.server.public_url, "https://id.example");
  EXPECT_EQ(c.mail.smtp.port, 2525);
  EXPECT_EQ(c.tokens.refresh_reuse_grace_seconds, 5);
}

TEST(Config, UnknownKeysAndVariablesAreNamed) {
  EXPECT_NE(ErrorOf("server:\n  prot: 1\n").find("'server.prot'"), std::string::npos);
  EXPECT_NE(ErrorOf("bogus: 1\n").find("'bogus'"), std::string::npos);
  EXPECT_NE(ErrorOf("", {{"GATEHOUSE_NOPE", "1"}}).find("GATEHOUSE_NOPE"), std::string::npos);
}

TEST(Config, BadValuesAreNamed) {
  EXPECT_NE(ErrorOf("server:\n  port: -1\n").find("server.port"), std::string::npos);
  EXPECT_NE(ErrorOf("server:\n  port: 80x\n").find("server.port"), std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  algorithm: none\n").find("tokens.algorithm"), std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  refresh_reuse_grace_seconds: 61\n").find("grace"),
            std::string::npos);
  EXPECT_NE(ErrorOf("server:\n  public_url: ftp://x\n").find("server.public_url"),
            std::string::npos);
  EXPECT_NE(ErrorOf("server:\n  - a\n").find("server"), std::string::npos);
  EXPECT_NE(ErrorOf("server: [\n").find("cannot read"), std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  algorithm: HS256\n").find("hs256_secret"), std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  access_ttl_seconds: 7200\n").find("outlive"), std::string::npos);
}

TEST(Config, ThePagesNameTheProductLikeTheMailsAndCheckTheirUrlsAndColour) {
  Config defaults = LoadConfig(WriteYaml("mail:\n  product_name: Acme ID\n"), {});
  EXPECT_TRUE(defaults.ui.enabled);
  EXPECT_EQ(defaults.ui.product_name, "Acme ID");
  EXPECT_EQ(LoadConfig(WriteYaml("ui:\n  product_name: Acme\n"), {}).ui.product_name, "Acme");
  EXPECT_EQ(ErrorOf("ui:\n  primary_color: \"#0b5cd5\"\n"), "");
  EXPECT_EQ(
      ErrorOf("ui:\n  allowed_return_urls: https://app.example.com, https://b.example.com/x\n"),
      "");
  for (const char* bad : {"blue", "#0b5cd", "#0b5cdz", "0b5cd5a"}) {
    EXPECT_NE(
        ErrorOf(std::string("ui:\n  primary_color: \"") + bad + "\"\n").find("ui.primary_color"),
        std::string::npos)
        << bad;
  }
  for (const char* bad : {"app.example.com", "https://app.example.com/?x=1", "javascript:x"}) {
    EXPECT_NE(ErrorOf(std::string("ui:\n  allowed_return_urls: \"") + bad + "\"\n")
                  .find("ui.allowed_return_urls"),
              std::string::npos)
        << bad;
  }
  EXPECT_NE(ErrorOf("ui:\n  terms_url: /terms\n").find("ui.terms_url"), std::string::npos);
  EXPECT_EQ(defaults.ui.link_base, defaults.server.public_url);
  EXPECT_EQ(
      LoadConfig(WriteYaml("ui:\n  link_base: https://app.example.com/auth/\n"), {}).ui.link_base,
      "https://app.example.com/auth");
  EXPECT_NE(ErrorOf("ui:\n  link_base: app.example.com\n").find("ui.link_base"), std::string::npos);
}

TEST(Config, RateLimitsAreWrittenAsRequestsPerPeriod) {
  Config c = LoadConfig(WriteYaml("rate_limits:\n  login: 5/1m\n  refresh: off\n  mfa: 100/15m\n"
                                  "  registration: 3/d\n"),
                        {{"GATEHOUSE_RATE_LIMITS_PASSWORD_RESET", "2/30s"}});
  EXPECT_EQ(c.rate_limits.login.limit, 5);
  EXPECT_EQ(c.rate_limits.login.period_ms, 60'000);
  EXPECT_FALSE(c.rate_limits.refresh.enabled());
  EXPECT_EQ(c.rate_limits.mfa.period_ms, 15 * 60'000);
  EXPECT_EQ(c.rate_limits.registration.period_ms, 86'400'000);
  EXPECT_EQ(c.rate_limits.password_reset.limit, 2);
  EXPECT_EQ(c.rate_limits.password_reset.period_ms, 30'000);
  EXPECT_TRUE(LoadConfig("", {}).rate_limits.login.enabled()) << "on by default";
  for (const char* bad : {"5", "5/", "/1m", "five/1m", "5/1w", "5/0m", "-5/1m", "5/m1", "5/1.5m"}) {
    EXPECT_NE(
        ErrorOf(std::string("rate_limits:\n  login: \"") + bad + "\"\n").find("rate_limits.login"),
        std::string::npos)
        << bad;
  }
  EXPECT_NE(ErrorOf("brute_force:\n  base_delay_seconds: 100\n  max_delay_seconds: 10\n")
                .find("brute_force.base_delay_seconds"),
            std::string::npos);
}

TEST(Config, AnMfaKeyGivenDirectlyMustBe32BytesOfBase64Url) {
  EXPECT_NE(ErrorOf("mfa:\n  secret_key: c2hvcnQ\n").find("mfa.secret_key"), std::string::npos);
  EXPECT_NE(ErrorOf("mfa:\n  secret_key: \"not base64!\"\n").find("mfa.secret_key"),
            std::string::npos);
  const std::string key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";  // bytes 0..31
  EXPECT_EQ(LoadConfig("", {{"GATEHOUSE_MFA_SECRET_KEY", key}}).mfa.secret_key, key);
}

TEST(Config, TwilioNeedsItsAccountTokenAndAnE164Sender) {
  const std::string twilio = "sms:\n  provider: twilio\n  twilio:\n";
  EXPECT_NE(ErrorOf(twilio + "    auth_token: t\n    from: \"+15005550006\"\n")
                .find("sms.twilio.account_sid"),
            std::string::npos);
  EXPECT_NE(ErrorOf(twilio + "    account_sid: AC1\n    from: \"+15005550006\"\n")
                .find("sms.twilio.auth_token"),
            std::string::npos);
  EXPECT_NE(ErrorOf(twilio + "    account_sid: AC1\n    auth_token: t\n").find("sms.twilio.from"),
            std::string::npos);
  EXPECT_NE(ErrorOf(twilio + "    account_sid: AC1\n    auth_token: t\n    from: \"5550006\"\n")
                .find("E.164"),
            std::string::npos);
  EXPECT_NE(ErrorOf("sms:\n  provider: carrier-pigeon\n").find("sms.provider"), std::string::npos);
  Config c = LoadConfig(
      WriteYaml(twilio + "    account_sid: AC1\n    auth_token: t\n    from: \"+15005550006\"\n"),
      {{"GATEHOUSE_SMS_TWILIO_BASE_URL", "http://127.0.0.1:9"}});
  EXPECT_EQ(c.sms.twilio.base_url, "http://127.0.0.1:9");
  EXPECT_EQ(c.sms.twilio.from, "+15005550006");
}

TEST(ConfigKeys, EveryKeyHasADefaultThatParsesAMeaningAndItsOwnEnvironmentName) {
  std::set<std::string> names, environment_names;
  for (const ConfigKey& key : ConfigKeys()) {
    EXPECT_TRUE(names.insert(key.name).second) << key.name << " twice";
    EXPECT_TRUE(environment_names.insert(EnvironmentName(key.name)).second) << key.name;
    EXPECT_FALSE(key.meaning.empty()) << key.name;
    EXPECT_FALSE(key.values.empty()) << key.name;
    for (const std::string* text : {&key.meaning, &key.values, &key.derived_default}) {
      EXPECT_EQ(text->find_first_of("|\n"), std::string::npos) << key.name << ": breaks the table";
    }
    Config c;
    if (!key.default_value.empty()) {
      EXPECT_NO_THROW(key.set(c, key.default_value)) << key.name;
    }
  }
  EXPECT_EQ(EnvironmentName("mail.smtp.host"), "GATEHOUSE_MAIL_SMTP_HOST");
  EXPECT_EQ(FindConfigKey("server.port")->default_value, "8080");
  EXPECT_EQ(FindConfigKey("server.prot"), nullptr);
}

TEST(ConfigKeys, TheDefaultsAreTheTables) {
  Config c = DefaultConfig();
  EXPECT_EQ(c.cache.redis.port, 6379);
  EXPECT_EQ(c.password_hash.memlimit_kib, 19u * 1024);
  EXPECT_EQ(c.rate_limits.refresh.limit, 300);
  EXPECT_TRUE(c.ui.enabled);
  EXPECT_EQ(c.server.io_threads, 0) << "derived by LoadConfig, not a table default";
}

// The README's configuration table is printed from the key table; a key added, changed or
// described differently must show there too.
TEST(ConfigKeys, TheReadmeTableIsTheKeyTable) {
  std::ifstream file(std::string(GATEHOUSE_SOURCE_DIR) + "/README.md");
  std::stringstream readme;
  readme << file.rdbuf();
  const std::string text = readme.str();
  const std::string begin = "<!-- configuration keys: begin -->\n";
  const std::string end = "<!-- configuration keys: end -->";
  auto from = text.find(begin);
  auto to = text.find(end);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  from += begin.size();
  EXPECT_EQ(text.substr(from, to - from), ConfigKeysMarkdown())
      << "README.md's configuration table is out of date: put the output of "
         "`build/gatehouse config keys` between its markers";
}

}  // namespace
}  // namespace gatehouse
