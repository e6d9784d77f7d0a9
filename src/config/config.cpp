#include "config/config.hpp"

#include <sched.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <thread>

#include "auth/validation.hpp"
#include "config/config_keys.hpp"
#include "crypto/random.hpp"
#include "http/client_ip.hpp"
#include "http/cors.hpp"
#include "ui/return_to.hpp"
#include "webauthn/relying_party.hpp"

extern char** environ;

namespace gatehouse {
namespace {

void Apply(Config& config, const std::string& key, const std::string& value) {
  const ConfigKey* found = FindConfigKey(key);
  if (!found) throw ConfigError("unknown configuration key '" + key + "'");
  found->set(config, value);
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
      if (!FindConfigKey(key)) throw ConfigError("unknown configuration key '" + key + "'");
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
  try {
    TrustedProxies check(c.webhooks.allowed_networks);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("configuration key 'webhooks.allowed_networks': ") + e.what());
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
    RelyingPartyOf(c.webauthn.rp_id, c.webauthn.origins, c.server.public_url);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("configuration key 'webauthn.origins' or 'webauthn.rp_id': ") +
                      e.what());
  }
  if (c.webauthn.attestation == "required" && c.webauthn.attestation_roots_file.empty()) {
    throw ConfigError(
        "configuration key 'webauthn.attestation_roots_file' is required with "
        "webauthn.attestation required");
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

Config DefaultConfig() {
  Config config;
  for (const auto& key : ConfigKeys()) {
    if (!key.default_value.empty()) key.set(config, key.default_value);
  }
  return config;
}

Config LoadConfig(const std::string& path, const std::map<std::string, std::string>& environment) {
  Config config = DefaultConfig();
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
  for (const auto& key : ConfigKeys()) known_names.emplace(EnvironmentName(key.name), key.name);
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
