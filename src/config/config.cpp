#include "config/config.hpp"

#include <sched.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <thread>

#include "auth/validation.hpp"
#include "crypto/random.hpp"
#include "http/client_ip.hpp"
#include "http/cors.hpp"
#include "ui/return_to.hpp"

extern char** environ;

namespace gatehouse {
namespace {

// One settable key: parses its text form into the Config, throwing ConfigError on bad input.
using Setter = std::function<void(Config&, const std::string& value)>;

template <typename Int>
Int ParseInt(const std::string& key, const std::string& text, Int min, Int max) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw ConfigError("configuration key '" + key + "': expected an integer in [" +
                      std::to_string(min) + ", " + std::to_string(max) + "], got '" + text + "'");
  }
  return value;
}

bool ParseBool(const std::string& key, const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  throw ConfigError("configuration key '" + key + "': expected true or false, got '" + text + "'");
}

// "N/period" with a period of [count]s|m|h|d ("20/1m", "10/h"), or "off" (or "0").
RatePolicy ParseRate(const std::string& key, const std::string& text) {
  if (text == "off" || text == "0") return {};
  auto fail = [&]() -> RatePolicy {
    throw ConfigError("configuration key '" + key +
                      "': expected requests per period such as \"20/1m\" or \"10/1h\" (units "
                      "s, m, h, d), or off; got '" +
                      text + "'");
  };
  auto slash = text.find('/');
  if (slash == std::string::npos || slash + 1 >= text.size()) return fail();
  std::int64_t limit = 0, count = 1;
  std::string_view period(text);
  period.remove_prefix(slash + 1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + slash, limit);
  if (ec != std::errc() || end != text.data() + slash || limit < 1 || limit > 1'000'000'000) {
    return fail();
  }
  if (period.size() > 1) {
    auto [unit_at, ec2] = std::from_chars(period.data(), period.data() + period.size() - 1, count);
    if (ec2 != std::errc() || unit_at != period.data() + period.size() - 1 || count < 1 ||
        count > 1'000'000) {
      return fail();
    }
  }
  std::int64_t unit_ms = 0;
  switch (period.back()) {
    case 's': unit_ms = 1000; break;
    case 'm': unit_ms = 60'000; break;
    case 'h': unit_ms = 3'600'000; break;
    case 'd': unit_ms = 86'400'000; break;
    default: return fail();
  }
  return {limit, count * unit_ms};
}

const std::map<std::string, Setter>& Keys() {
  using C = Config;
  using S = const std::string&;
  auto integer = [](auto member_of, auto min, auto max) {
    return [=](const std::string& key) {
      return Setter([=](C& c, S v) { member_of(c) = ParseInt(key, v, min, max); });
    };
  };
  auto rate = [](auto member_of) {
    return [=](const std::string& key) {
      return Setter([=](C& c, S v) { member_of(c) = ParseRate(key, v); });
    };
  };
  auto text = [](auto member_of) {
    return [=](const std::string&) { return Setter([=](C& c, S v) { member_of(c) = v; }); };
  };
  auto boolean = [](auto member_of) {
    return [=](const std::string& key) {
      return Setter([=](C& c, S v) { member_of(c) = ParseBool(key, v); });
    };
  };
  auto choice = [](auto member_of, std::initializer_list<const char*> allowed) {
    std::vector<const char*> list(allowed);
    return [=](const std::string& key) {
      return Setter([=](C& c, S v) {
        bool found = std::any_of(list.begin(), list.end(), [&](const char* a) { return v == a; });
        if (!found) {
          std::string all;
          for (const char* a : list) all += std::string(all.empty() ? "" : ", ") + a;
          throw ConfigError("configuration key '" + key + "': expected one of " + all + ", got '" +
                            v + "'");
        }
        member_of(c) = v;
      });
    };
  };

  static const std::map<std::string, Setter> keys = [&] {
    std::map<std::string, std::function<Setter(const std::string&)>> makers = {
        {"server.host", text([](C & c) -> auto& { return c.server.host; })},
        {"server.port", integer(
                            [](C & c) -> auto& { return c.server.port; }, 0, 65535)},
        {"server.io_threads", integer(
                                  [](C & c) -> auto& { return c.server.io_threads; }, 1, 256)},
        {"server.worker_threads",
         integer(
             [](C & c) -> auto& { return c.server.worker_threads; }, 1, 1024)},
        {"server.header_timeout_seconds",
         integer(
             [](C & c) -> auto& { return c.server.header_timeout_seconds; }, 1, 3600)},
        {"server.body_timeout_seconds",
         integer(
             [](C & c) -> auto& { return c.server.body_timeout_seconds; }, 1, 3600)},
        {"server.idle_timeout_seconds",
         integer(
             [](C & c) -> auto& { return c.server.idle_timeout_seconds; }, 1, 86400)},
        {"server.shutdown_grace_seconds",
         integer(
             [](C & c) -> auto& { return c.server.shutdown_grace_seconds; }, 0, 3600)},
        {"server.body_limit_bytes", integer(
                                        [](C & c) -> auto& { return c.server.body_limit_bytes; },
                                        std::int64_t{1024}, std::int64_t{64} * 1024 * 1024)},
        {"server.header_limit_bytes",
         integer(
             [](C & c) -> auto& { return c.server.header_limit_bytes; }, 1024, 1024 * 1024)},
        {"server.header_fields_limit",
         integer(
             [](C & c) -> auto& { return c.server.header_fields_limit; }, 8, 10000)},
        {"server.target_limit_bytes",
         integer(
             [](C & c) -> auto& { return c.server.target_limit_bytes; }, 256, 1024 * 1024)},
        {"server.max_connections",
         integer(
             [](C & c) -> auto& { return c.server.max_connections; }, 1, 1'000'000)},
        {"server.public_url", text([](C & c) -> auto& { return c.server.public_url; })},
        {"server.instances", integer(
                                 [](C & c) -> auto& { return c.server.instances; }, 1, 10000)},
        {"server.trusted_proxies", text([](C & c) -> auto& { return c.server.trusted_proxies; })},
        {"sessions.absolute_lifetime_seconds",
         integer(
             [](C & c) -> auto& { return c.sessions.absolute_lifetime_seconds; }, 60, 365 * 86400)},
        {"sessions.activity_interval_seconds",
         integer(
             [](C & c) -> auto& { return c.sessions.activity_interval_seconds; }, 1, 86400)},
        {"mfa.secret_key_file", text([](C & c) -> auto& { return c.mfa.secret_key_file; })},
        {"cors.allowed_origins", text([](C & c) -> auto& { return c.cors.allowed_origins; })},
        {"cors.max_age_seconds",
         integer(
             [](C & c) -> auto& { return c.cors.max_age_seconds; }, 0, 86400)},
        {"cookies.enabled", boolean([](C & c) -> auto& { return c.cookies.enabled; })},
        {"rate_limits.login", rate([](C & c) -> auto& { return c.rate_limits.login; })},
        {"rate_limits.mfa", rate([](C & c) -> auto& { return c.rate_limits.mfa; })},
        {"rate_limits.registration",
         rate([](C & c) -> auto& { return c.rate_limits.registration; })},
        {"rate_limits.verify_email",
         rate([](C & c) -> auto& { return c.rate_limits.verify_email; })},
        {"rate_limits.password_reset",
         rate([](C & c) -> auto& { return c.rate_limits.password_reset; })},
        {"rate_limits.refresh", rate([](C & c) -> auto& { return c.rate_limits.refresh; })},
        {"brute_force.free_attempts",
         integer(
             [](C & c) -> auto& { return c.brute_force.free_attempts; }, 1, 1000)},
        {"brute_force.base_delay_seconds",
         integer(
             [](C & c) -> auto& { return c.brute_force.base_delay_seconds; }, 1, 3600)},
        {"brute_force.max_delay_seconds",
         integer(
             [](C & c) -> auto& { return c.brute_force.max_delay_seconds; }, 1, 86400)},
        {"mfa.secret_key", text([](C & c) -> auto& { return c.mfa.secret_key; })},
        {"mfa.codes_per_hour", integer(
                                   [](C & c) -> auto& { return c.mfa.codes_per_hour; }, 1, 1000)},
        {"sms.provider", choice([](C & c) -> auto& { return c.sms.provider; }, {"log", "twilio"})},
        {"sms.timeout_seconds", integer(
                                    [](C & c) -> auto& { return c.sms.timeout_seconds; }, 1, 600)},
        {"sms.twilio.base_url", text([](C & c) -> auto& { return c.sms.twilio.base_url; })},
        {"sms.twilio.account_sid", text([](C & c) -> auto& { return c.sms.twilio.account_sid; })},
        {"sms.twilio.auth_token", text([](C & c) -> auto& { return c.sms.twilio.auth_token; })},
        {"sms.twilio.from", text([](C & c) -> auto& { return c.sms.twilio.from; })},
        {"sms.twilio.ca_file", text([](C & c) -> auto& { return c.sms.twilio.ca_file; })},
        {"geoip.databases", text([](C & c) -> auto& { return c.geoip.databases; })},
        {"user_agents.regexes_file",
         text([](C & c) -> auto& { return c.user_agents.regexes_file; })},
        {"database.url", text([](C & c) -> auto& { return c.database.url; })},
        {"database.pool_size", integer(
                                   [](C & c) -> auto& { return c.database.pool_size; }, 1, 1024)},
        {"database.busy_timeout_ms",
         integer(
             [](C & c) -> auto& { return c.database.busy_timeout_ms; }, 0, 600000)},
        {"cache.type",
         choice([](C & c) -> auto& { return c.cache.type; }, {"memory", "redis", "memcached"})},
        {"cache.key_prefix", text([](C & c) -> auto& { return c.cache.key_prefix; })},
        {"cache.pool_size", integer(
                                [](C & c) -> auto& { return c.cache.pool_size; }, 1, 1024)},
        {"cache.connect_timeout_ms",
         integer(
             [](C & c) -> auto& { return c.cache.connect_timeout_ms; }, 1, 60000)},
        {"cache.command_timeout_ms",
         integer(
             [](C & c) -> auto& { return c.cache.command_timeout_ms; }, 1, 60000)},
        {"cache.redis.host", text([](C & c) -> auto& { return c.cache.redis.host; })},
        {"cache.redis.port", integer(
                                 [](C & c) -> auto& { return c.cache.redis.port; }, 1, 65535)},
        {"cache.redis.password", text([](C & c) -> auto& { return c.cache.redis.password; })},
        {"cache.redis.db", integer(
                               [](C & c) -> auto& { return c.cache.redis.db; }, 0, 1023)},
        {"cache.memcached.servers", text([](C & c) -> auto& { return c.cache.memcached.servers; })},
        {"cache.max_bytes", integer(
                                [](C & c) -> auto& { return c.cache.max_bytes; },
                                std::int64_t{1024} * 1024, std::int64_t{1} << 40)},
        {"tokens.issuer", text([](C & c) -> auto& { return c.tokens.issuer; })},
        {"tokens.audience", text([](C & c) -> auto& { return c.tokens.audience; })},
        {"tokens.algorithm",
         choice([](C & c) -> auto& { return c.tokens.algorithm; }, {"EdDSA", "ES256", "HS256"})},
        {"tokens.hs256_secret", text([](C & c) -> auto& { return c.tokens.hs256_secret; })},
        {"tokens.access_ttl_seconds",
         integer(
             [](C & c) -> auto& { return c.tokens.access_ttl_seconds; }, 1, 7 * 86400)},
        {"tokens.refresh_ttl_seconds",
         integer(
             [](C & c) -> auto& { return c.tokens.refresh_ttl_seconds; }, 1, 365 * 86400)},
        {"tokens.remember_access_ttl_seconds",
         integer(
             [](C & c) -> auto& { return c.tokens.remember_access_ttl_seconds; }, 1, 7 * 86400)},
        {"tokens.remember_refresh_ttl_seconds",
         integer(
             [](C & c) -> auto& { return c.tokens.remember_refresh_ttl_seconds; }, 1, 365 * 86400)},
        {"tokens.refresh_reuse_grace_seconds",
         integer(
             [](C & c) -> auto& { return c.tokens.refresh_reuse_grace_seconds; }, 0, 60)},
        {"tokens.leeway_seconds",
         integer(
             [](C & c) -> auto& { return c.tokens.leeway_seconds; }, 0, 300)},
        {"tokens.key_reload_seconds",
         integer(
             [](C & c) -> auto& { return c.tokens.key_reload_seconds; }, 1, 86400)},
        {"accounts.require_verified_email",
         boolean([](C & c) -> auto& { return c.accounts.require_verified_email; })},
        {"accounts.verify_link_ttl_seconds",
         integer(
             [](C & c) -> auto& { return c.accounts.verify_link_ttl_seconds; }, 1, 30 * 86400)},
        {"accounts.verify_code_ttl_seconds",
         integer(
             [](C & c) -> auto& { return c.accounts.verify_code_ttl_seconds; }, 1, 86400)},
        {"accounts.verify_code_max_attempts",
         integer(
             [](C & c) -> auto& { return c.accounts.verify_code_max_attempts; }, 1, 100)},
        {"accounts.verify_resend_per_hour",
         integer(
             [](C & c) -> auto& { return c.accounts.verify_resend_per_hour; }, 1, 1000)},
        {"accounts.password_min_length",
         integer(
             [](C & c) -> auto& { return c.accounts.password_min_length; }, 8, 128)},
        {"accounts.password_min_guess_bits",
         integer(
             [](C & c) -> auto& { return c.accounts.password_min_guess_bits; }, 0, 128)},
        {"accounts.reset_link_ttl_seconds",
         integer(
             [](C & c) -> auto& { return c.accounts.reset_link_ttl_seconds; }, 1, 7 * 86400)},
        {"accounts.forgot_password_per_hour",
         integer(
             [](C & c) -> auto& { return c.accounts.forgot_password_per_hour; }, 1, 1000)},
        {"accounts.invitation_ttl_seconds",
         integer(
             [](C & c) -> auto& { return c.accounts.invitation_ttl_seconds; }, 1, 90 * 86400)},
        {"password_hash.threads",
         integer(
             [](C & c) -> auto& { return c.password_hash.threads; }, 1, 256)},
        {"password_hash.queue_limit",
         integer(
             [](C & c) -> auto& { return c.password_hash.queue_limit; }, 0, 100000)},
        {"password_hash.opslimit", integer(
                                       [](C & c) -> auto& { return c.password_hash.opslimit; },
                                       std::uint64_t{1}, std::uint64_t{64})},
        {"password_hash.memlimit_kib",
         integer(
             [](C & c) -> auto& { return c.password_hash.memlimit_kib; }, std::uint64_t{8},
             std::uint64_t{4} * 1024 * 1024)},
        {"mail.transport",
         choice([](C & c) -> auto& { return c.mail.transport; }, {"log", "smtp"})},
        {"mail.from", text([](C & c) -> auto& { return c.mail.from; })},
        {"mail.product_name", text([](C & c) -> auto& { return c.mail.product_name; })},
        {"mail.templates_dir", text([](C & c) -> auto& { return c.mail.templates_dir; })},
        {"mail.retry_base_seconds",
         integer(
             [](C & c) -> auto& { return c.mail.retry_base_seconds; }, 1, 3600)},
        {"mail.max_attempts", integer(
                                  [](C & c) -> auto& { return c.mail.max_attempts; }, 1, 1000)},
        {"mail.smtp.host", text([](C & c) -> auto& { return c.mail.smtp.host; })},
        {"mail.smtp.port", integer(
                               [](C & c) -> auto& { return c.mail.smtp.port; }, 1, 65535)},
        {"mail.smtp.security",
         choice([](C & c) -> auto& { return c.mail.smtp.security; }, {"none", "starttls", "tls"})},
        {"mail.smtp.username", text([](C & c) -> auto& { return c.mail.smtp.username; })},
        {"mail.smtp.password", text([](C & c) -> auto& { return c.mail.smtp.password; })},
        {"mail.smtp.ca_file", text([](C & c) -> auto& { return c.mail.smtp.ca_file; })},
        {"mail.smtp.timeout_seconds",
         integer(
             [](C & c) -> auto& { return c.mail.smtp.timeout_seconds; }, 1, 600)},
        {"ui.enabled", boolean([](C & c) -> auto& { return c.ui.enabled; })},
        {"ui.product_name", text([](C & c) -> auto& { return c.ui.product_name; })},
        {"ui.logo_file", text([](C & c) -> auto& { return c.ui.logo_file; })},
        {"ui.primary_color", text([](C & c) -> auto& { return c.ui.primary_color; })},
        {"ui.terms_url", text([](C & c) -> auto& { return c.ui.terms_url; })},
        {"ui.privacy_url", text([](C & c) -> auto& { return c.ui.privacy_url; })},
        {"ui.support_url", text([](C & c) -> auto& { return c.ui.support_url; })},
        {"ui.templates_dir", text([](C & c) -> auto& { return c.ui.templates_dir; })},
        {"ui.catalog_dir", text([](C & c) -> auto& { return c.ui.catalog_dir; })},
        {"ui.allowed_return_urls", text([](C & c) -> auto& { return c.ui.allowed_return_urls; })},
        {"ui.link_base", text([](C & c) -> auto& { return c.ui.link_base; })},
        {"log.level", choice([](C & c) -> auto& { return c.log.level; },
                             {"trace", "debug", "info", "warn", "error"})},
    };
    std::map<std::string, Setter> built;
    for (auto& [key, make] : makers) built.emplace(key, make(key));
    return built;
  }();
  return keys;
}

std::string EnvironmentName(const std::string& key) {
  std::string name = "GATEHOUSE_";
  for (char ch : key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
  return name;
}

void Apply(Config& config, const std::string& key, const std::string& value) {
  auto it = Keys().find(key);
  if (it == Keys().end()) throw ConfigError("unknown configuration key '" + key + "'");
  it->second(config, value);
}

void ApplyYaml(Config& config, const YAML::Node& node, const std::string& prefix) {
  if (!node.IsMap()) {
    throw ConfigError("configuration " + (prefix.empty() ? "file" : "key '" + prefix + "'") +
                      ": expected a mapping");
  }
  for (const auto& entry : node) {
    std::string key = prefix.empty() ? entry.first.as<std::string>()
                                     : prefix + "." + entry.first.as<std::string>();
    if (entry.second.IsMap()) {
      ApplyYaml(config, entry.second, key);
    } else if (entry.second.IsScalar()) {
      Apply(config, key, entry.second.Scalar());
    } else if (entry.second.IsNull()) {
      if (!Keys().contains(key)) throw ConfigError("unknown configuration key '" + key + "'");
    } else {
      throw ConfigError("configuration key '" + key + "': expected a single value");
    }
  }
}

bool IsHexColor(const std::string& text) {
  return text.size() == 7 && text[0] == '#' &&
         std::all_of(text.begin() + 1, text.end(),
                     [](unsigned char c) { return std::isxdigit(c); });
}

void RequireUrl(const std::string& key, const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw ConfigError("configuration key '" + key + "': expected an http(s) URL, got '" + url +
                      "'");
  }
}

// Thread counts not given in the configuration follow the cores: one I/O thread and one
// hashing thread per core; workers for every hash that may be running or queued, plus 8 per
// core (at least 16) for everything else. Workers mostly wait on the network; measured on 2
// cores, 20 to 64 of them give the same throughput (docs/architecture.md). Database
// connections: two per core, at least 4 — each PostgreSQL connection is a server process,
// and more of them than the cores can run only queue (8 put p99 of /v1/me at 10-100 ms on
// 2 cores, 16 at 450 ms, 4 at 2.5 ms with more throughput).
void ApplyDerivedDefaults(Config& c) {
  if (c.ui.product_name.empty()) c.ui.product_name = c.mail.product_name;
  if (c.ui.link_base.empty()) c.ui.link_base = c.server.public_url;
  while (c.ui.link_base.size() > 1 && c.ui.link_base.back() == '/') c.ui.link_base.pop_back();
  const int cores = AvailableCores();
  if (c.database.pool_size == 0) c.database.pool_size = std::max(4, 2 * cores);
  if (c.server.io_threads == 0) c.server.io_threads = cores;
  if (c.password_hash.threads == 0) c.password_hash.threads = cores;
  if (c.server.worker_threads == 0) {
    c.server.worker_threads =
        c.password_hash.threads + c.password_hash.queue_limit + std::max(16, 8 * cores);
  }
}

void Validate(const Config& c) {
  RequireUrl("server.public_url", c.server.public_url);
  try {
    TrustedProxies check(c.server.trusted_proxies);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("configuration key 'server.trusted_proxies': ") + e.what());
  }
  if (c.tokens.issuer.empty()) throw ConfigError("configuration key 'tokens.issuer' is empty");
  if (c.tokens.audience.empty()) throw ConfigError("configuration key 'tokens.audience' is empty");
  if (c.tokens.algorithm == "HS256" && c.tokens.hs256_secret.size() < 32) {
    throw ConfigError(
        "configuration key 'tokens.hs256_secret': HS256 needs a secret of at least 32 bytes");
  }
  if (c.tokens.access_ttl_seconds > c.tokens.refresh_ttl_seconds ||
      c.tokens.remember_access_ttl_seconds > c.tokens.remember_refresh_ttl_seconds) {
    throw ConfigError(
        "configuration key 'tokens.*access_ttl_seconds': an access token may not outlive its "
        "refresh token");
  }
  if (c.database.url.rfind("sqlite://", 0) != 0 && c.database.url.rfind("postgresql://", 0) != 0 &&
      c.database.url.rfind("postgres://", 0) != 0) {
    throw ConfigError(
        "configuration key 'database.url': expected sqlite:///path or "
        "postgresql://user:password@host:port/database");
  }
  // Several instances must share what revocation relies on: an in-process cache or a local
  // SQLite file would let a token revoked on one instance live on at the others.
  if (c.server.instances > 1 && c.cache.type == "memory") {
    throw ConfigError(
        "configuration key 'cache.type': the in-memory cache is for one instance only; with "
        "server.instances > 1 use redis or memcached, or revocations would not reach the "
        "other instances");
  }
  if (c.server.instances > 1 && c.database.url.rfind("sqlite://", 0) == 0) {
    throw ConfigError(
        "configuration key 'database.url': SQLite is for one instance only; with "
        "server.instances > 1 use postgresql://");
  }
  if (c.mail.transport == "smtp" && c.mail.smtp.host.empty()) {
    throw ConfigError("configuration key 'mail.smtp.host' is required with mail.transport smtp");
  }
  if (!c.mfa.secret_key.empty()) {
    auto key = Base64UrlDecode(c.mfa.secret_key);
    if (!key || key->size() != 32) {
      throw ConfigError(
          "configuration key 'mfa.secret_key': expected 32 random bytes in base64url (e.g. "
          "from: head -c 32 /dev/urandom | basenc --base64url | tr -d '=\\n')");
    }
  }
  if (c.sms.provider == "twilio") {
    const TwilioConfig& t = c.sms.twilio;
    const std::pair<const char*, const std::string*> required[] = {
        {"account_sid", &t.account_sid}, {"auth_token", &t.auth_token}, {"from", &t.from}};
    for (const auto& [key, value] : required) {
      if (value->empty()) {
        throw ConfigError(std::string("configuration key 'sms.twilio.") + key +
                          "' is required with sms.provider twilio");
      }
    }
    if (!NormalizePhoneNumber(c.sms.twilio.from)) {
      throw ConfigError(
          "configuration key 'sms.twilio.from': expected an E.164 number such as +15005550006");
    }
  }
  try {
    Cors check(c.cors.allowed_origins, c.cookies.enabled, c.cors.max_age_seconds);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("configuration key 'cors.allowed_origins': ") + e.what());
  }
  if (c.brute_force.base_delay_seconds > c.brute_force.max_delay_seconds) {
    throw ConfigError(
        "configuration key 'brute_force.base_delay_seconds' must not exceed "
        "brute_force.max_delay_seconds");
  }
  try {
    ReturnUrls check(c.server.public_url, c.ui.allowed_return_urls);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("configuration key 'ui.allowed_return_urls': ") + e.what());
  }
  if (!c.ui.primary_color.empty() && !IsHexColor(c.ui.primary_color)) {
    throw ConfigError("configuration key 'ui.primary_color': expected #rrggbb, got '" +
                      c.ui.primary_color + "'");
  }
  RequireUrl("ui.link_base", c.ui.link_base);
  for (const auto& [key, url] :
       {std::pair{"ui.terms_url", &c.ui.terms_url}, std::pair{"ui.privacy_url", &c.ui.privacy_url},
        std::pair{"ui.support_url", &c.ui.support_url}}) {
    if (!url->empty()) RequireUrl(key, *url);
  }
  if (c.server.worker_threads <= c.password_hash.threads + c.password_hash.queue_limit) {
    throw ConfigError(
        "configuration key 'server.worker_threads' must exceed password_hash.threads + "
        "password_hash.queue_limit, so token checks keep running during a login flood");
  }
}

}  // namespace

int AvailableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Config LoadConfig(const std::string& path, const std::map<std::string, std::string>& environment) {
  Config config;
  if (!path.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
      throw ConfigError("cannot read configuration file '" + path + "': " + e.what());
    }
    if (!root.IsNull()) ApplyYaml(config, root, "");
  }
  std::map<std::string, std::string> known_names;
  for (const auto& [key, setter] : Keys()) known_names.emplace(EnvironmentName(key), key);
  for (const auto& [name, value] : environment) {
    if (name.rfind("GATEHOUSE_", 0) != 0 || name == "GATEHOUSE_CONFIG") continue;
    auto it = known_names.find(name);
    if (it == known_names.end()) throw ConfigError("unknown environment variable '" + name + "'");
    Apply(config, it->second, value);
  }
  ApplyDerivedDefaults(config);
  Validate(config);
  return config;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

}  // namespace gatehouse
