#include "config/config_keys.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>

namespace gatehouse {
namespace {

// The key's name and its member in Config are the same text, so they cannot drift apart.
// clang-format off
#define KEY(path) #path, [](Config& c) -> auto& { return c.path; }
// clang-format on

template <typename Int>
Int ParseInt(const std::string& key, const std::string& text, long long min, long long max) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || std::cmp_less(value, min) ||
      std::cmp_greater(value, max)) {
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

// An integer key's default: a number, or a rule that LoadConfig applies when none is given.
struct Derived {
  const char* rule;
};
struct IntegerDefault {
  IntegerDefault(long long value) : text(std::to_string(value)) {}  // NOLINT: implicit on purpose
  IntegerDefault(Derived derived) : derived(derived.rule) {}        // NOLINT: implicit on purpose
  std::string text, derived;
};

template <typename Access>
ConfigKey Text(const char* name, Access member_of, const char* default_value, const char* values,
               const char* meaning) {
  return {.name = name,
          .default_value = default_value,
          .values = values,
          .meaning = meaning,
          .set = [member_of](Config& c, const std::string& v) { member_of(c) = v; }};
}

template <typename Access>
ConfigKey Integer(const char* name, Access member_of, IntegerDefault default_value, long long min,
                  long long max, const char* meaning) {
  using Int = std::remove_reference_t<decltype(member_of(std::declval<Config&>()))>;
  return {.name = name,
          .default_value = default_value.text,
          .derived_default = default_value.derived,
          .values = std::to_string(min) + "–" + std::to_string(max),
          .meaning = meaning,
          .set = [=, key = std::string(name)](Config& c, const std::string& v) {
            member_of(c) = ParseInt<Int>(key, v, min, max);
          }};
}

template <typename Access>
ConfigKey Boolean(const char* name, Access member_of, bool default_value, const char* meaning) {
  return {.name = name,
          .default_value = default_value ? "true" : "false",
          .values = "`true`, `false`",
          .meaning = meaning,
          .set = [=, key = std::string(name)](Config& c, const std::string& v) {
            member_of(c) = ParseBool(key, v);
          }};
}

template <typename Access>
ConfigKey Choice(const char* name, Access member_of, const char* default_value,
                 std::vector<std::string> allowed, const char* meaning) {
  std::string values, listed;
  for (const auto& a : allowed) {
    values += (values.empty() ? "`" : ", `") + a + "`";
    listed += (listed.empty() ? "" : ", ") + a;
  }
  return {.name = name,
          .default_value = default_value,
          .values = values,
          .meaning = meaning,
          .set = [=, key = std::string(name)](Config& c, const std::string& v) {
            if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
              throw ConfigError("configuration key '" + key + "': expected one of " + listed +
                                ", got '" + v + "'");
            }
            member_of(c) = v;
          }};
}

template <typename Access>
ConfigKey Rate(const char* name, Access member_of, const char* default_value, const char* meaning) {
  return {.name = name,
          .default_value = default_value,
          .values = "`N/period` (`s`, `m`, `h`, `d`), `off`",
          .meaning = meaning,
          .set = [=, key = std::string(name)](Config& c, const std::string& v) {
            member_of(c) = ParseRate(key, v);
          }};
}

constexpr long long kDay = 86400;
constexpr long long kMiB = 1024 * 1024;

// clang-format off
std::vector<ConfigKey> MakeKeys() {
  return {
    Text(KEY(server.host), "127.0.0.1", "address", "listening address"),
    Integer(KEY(server.port), 8080, 0, 65535, "listening port"),
    Text(KEY(server.public_url), "http://localhost:8080", "http(s) URL",
         "where Gatehouse is reached: the pages' origin and, unless `ui.link_base` says "
         "otherwise, the base of every link in e-mails (never the request's Host header); "
         "with `localhost`, a page opened at 127.0.0.1 on the same port is sent on to it"),
    Integer(KEY(server.io_threads), Derived{"one per core"}, 1, 256,
            "threads parsing and writing HTTP"),
    Integer(KEY(server.worker_threads),
            Derived{"`password_hash.threads` + `queue_limit` + 8 per core (at least 16)"}, 1, 1024,
            "threads running handlers (SQL, cache); must exceed `password_hash.threads` + "
            "`queue_limit`, so token checks keep running during a login flood"),
    Integer(KEY(server.header_timeout_seconds), 10, 1, 3600,
            "the whole request head must arrive within this (slowloris)"),
    Integer(KEY(server.body_timeout_seconds), 30, 1, 3600, "the body must arrive within this"),
    Integer(KEY(server.idle_timeout_seconds), 60, 1, kDay,
            "a keep-alive connection with no new request is closed after this"),
    Integer(KEY(server.body_limit_bytes), kMiB, 1024, 64 * kMiB, "larger bodies get 413"),
    Integer(KEY(server.header_limit_bytes), 16 * 1024, 1024, kMiB, "larger request heads get 431"),
    Integer(KEY(server.header_fields_limit), 100, 8, 10000, "more header fields get 431"),
    Integer(KEY(server.target_limit_bytes), 8 * 1024, 256, kMiB, "a longer path and query gets 414"),
    Integer(KEY(server.max_connections), 10000, 1, 1'000'000,
            "open connections; one more gets 503 with `Retry-After: 1` and is closed"),
    Integer(KEY(server.shutdown_grace_seconds), 10, 0, 3600,
            "on SIGTERM or SIGINT, the time given to requests in flight"),
    Text(KEY(server.trusted_proxies), "", "CIDR list",
         "comma-separated blocks (`10.0.0.0/8, ::1`) of the proxies whose `X-Forwarded-For` and "
         "`Forwarded` headers are believed"),
    Integer(KEY(server.instances), 1, 1, 10000,
            "how many instances share the database and cache; above 1, the in-memory cache and "
            "SQLite are refused at start-up"),

    Text(KEY(database.url), "sqlite://gatehouse.db", "URL",
         "`sqlite:///path/file.db` (WAL mode) or "
         "`postgresql://user:password@host:5432/db?sslmode=require`"),
    Integer(KEY(database.pool_size), Derived{"two per core (at least 4)"}, 1, 1024,
            "connections; with PostgreSQL on its own machine, about twice *its* cores "
            "(PostgreSQL gets one more, pipelined, for `/v1/me`)"),
    Integer(KEY(database.busy_timeout_ms), 5000, 0, 600000,
            "how long a writer waits for a lock (SQLite) or a statement may run (PostgreSQL)"),

    Choice(KEY(cache.type), "memory", {"memory", "redis", "memcached"},
           "where the token whitelist and the rate-limit and brute-force counters live; `memory` "
           "is for one instance only"),
    Integer(KEY(cache.max_bytes), 64 * kMiB, kMiB, 1LL << 40,
            "memory cache bound; least recently used entries are evicted"),
    Text(KEY(cache.key_prefix), "gatehouse:", "text",
         "Redis and Memcached: the prefix of every key of this deployment"),
    Integer(KEY(cache.pool_size), 8, 1, 1024, "Redis and Memcached: connections per instance"),
    Integer(KEY(cache.connect_timeout_ms), 1000, 1, 60000, "Redis and Memcached"),
    Integer(KEY(cache.command_timeout_ms), 1000, 1, 60000, "Redis and Memcached"),
    Text(KEY(cache.redis.host), "127.0.0.1", "host", "Redis server"),
    Integer(KEY(cache.redis.port), 6379, 1, 65535, "Redis port"),
    Text(KEY(cache.redis.password), "", "text", "Redis `AUTH` password"),
    Integer(KEY(cache.redis.db), 0, 0, 1023, "Redis `SELECT` index"),
    Text(KEY(cache.memcached.servers), "127.0.0.1:11211", "`host:port[,host:port…]`",
         "Memcached servers: binary protocol, consistent hashing"),

    Text(KEY(tokens.issuer), "http://localhost:8080", "text",
         "`iss` of every token; for OpenID Connect, `server.public_url` (where discovery is)"),
    Text(KEY(tokens.audience), "gatehouse", "text", "`aud` of every token"),
    Choice(KEY(tokens.algorithm), "EdDSA", {"EdDSA", "ES256", "HS256"},
           "how tokens are signed; HS256 needs `tokens.hs256_secret`"),
    Text(KEY(tokens.hs256_secret), "", "32+ bytes", "the shared secret, with HS256 only"),
    Integer(KEY(tokens.access_ttl_seconds), 15 * 60, 1, 7 * kDay,
            "access token lifetime without remember-me"),
    Integer(KEY(tokens.refresh_ttl_seconds), 60 * 60, 1, 365 * kDay,
            "refresh token lifetime without remember-me"),
    Integer(KEY(tokens.remember_access_ttl_seconds), kDay, 1, 7 * kDay,
            "access token lifetime with remember-me"),
    Integer(KEY(tokens.remember_refresh_ttl_seconds), 14 * kDay, 1, 365 * kDay,
            "refresh token lifetime with remember-me"),
    Integer(KEY(tokens.refresh_reuse_grace_seconds), 0, 0, 60,
            "how long a rotated refresh token may still be used once (see Tokens)"),
    Integer(KEY(tokens.leeway_seconds), 30, 0, 300, "clock skew tolerated on `exp`, `iat`, `nbf`"),
    Integer(KEY(tokens.key_reload_seconds), 60, 1, kDay,
            "how often keys rotated by another process are picked up"),

    Integer(KEY(sessions.absolute_lifetime_seconds), 30 * kDay, 60, 365 * kDay,
            "a session ends this long after sign-in whatever happens, remember-me included"),
    Integer(KEY(sessions.activity_interval_seconds), 60, 1, kDay,
            "a session's last-activity fields are written at most this often (token checks do "
            "no database write in between)"),
    Integer(KEY(events.retention_days), 90, 1, 3650,
            "security log events older than this are deleted (by the periodic sweep)"),
    Integer(KEY(alerts.new_device_days), 90, 0, 3650,
            "a sign-in from a device (browser and system) and country the account has not used "
            "for this many days e-mails the user, with a link to sign that session out; 0 turns "
            "the alerts off"),
    Text(KEY(webhooks.allowed_networks), "", "CIDR list",
         "networks that are not public (loopback, private, link-local, …) which webhook "
         "deliveries may reach anyway; any other such address is refused, whatever the URL's "
         "host resolves to (SSRF)"),
    Integer(KEY(webhooks.max_attempts), 12, 1, 100,
            "attempts at a webhook delivery before it is marked failed"),
    Integer(KEY(webhooks.retry_base_seconds), 30, 1, 3600,
            "wait before a delivery's first retry, doubling for each later one (at most an hour)"),
    Integer(KEY(webhooks.timeout_seconds), 10, 1, 60,
            "a receiver must answer a delivery within this"),

    Boolean(KEY(accounts.require_verified_email), true,
            "sign-in before verification answers 403 `email_not_verified`"),
    Integer(KEY(accounts.verify_link_ttl_seconds), kDay, 1, 30 * kDay,
            "verification link lifetime"),
    Integer(KEY(accounts.verify_code_ttl_seconds), 15 * 60, 1, kDay,
            "verification code lifetime"),
    Integer(KEY(accounts.verify_code_max_attempts), 5, 1, 100,
            "wrong codes before the code is void"),
    Integer(KEY(accounts.verify_resend_per_hour), 5, 1, 1000,
            "verification e-mails per address per hour"),
    Integer(KEY(accounts.password_min_length), 8, 8, 128, "in characters, any Unicode"),
    Integer(KEY(accounts.password_min_guess_bits), 20, 0, 128,
            "least zxcvbn estimate accepted, in bits (20 ≈ a million guesses, zxcvbn score 2); "
            "0 turns the estimate off"),
    Integer(KEY(accounts.reset_link_ttl_seconds), 60 * 60, 1, 7 * kDay, "reset link lifetime"),
    Integer(KEY(accounts.forgot_password_per_hour), 5, 1, 1000,
            "reset e-mails per address per hour"),
    Integer(KEY(accounts.invitation_ttl_seconds), 7 * kDay, 1, 90 * kDay,
            "invitation link lifetime"),

    Integer(KEY(password_hash.threads), Derived{"one per core"}, 1, 256,
            "the Argon2id pool; each thread holds `memlimit_kib` while it hashes: most of the "
            "peak resident memory"),
    Integer(KEY(password_hash.queue_limit), 16, 0, 100000,
            "hashes waiting for a thread; past this, 503 with `Retry-After` at once"),
    Integer(KEY(password_hash.opslimit), 2, 1, 64,
            "Argon2id passes (OWASP: 2); raising it rehashes each password at its next sign-in"),
    Integer(KEY(password_hash.memlimit_kib), 19 * 1024, 8, 4LL * kMiB,
            "Argon2id memory (OWASP: 19 MiB); raising it rehashes at the next sign-in"),

    Text(KEY(mfa.secret_key_file), "gatehouse-mfa.key", "path",
         "the key sealing authenticator-app seeds and hashing e-mail and SMS codes (32 bytes, "
         "base64url); created (mode 0600) when missing unless `server.instances` > 1, and "
         "shared by every instance"),
    Text(KEY(mfa.secret_key), "", "base64url",
         "the same key given directly (e.g. `GATEHOUSE_MFA_SECRET_KEY` from a secret store); "
         "when set, the file is not used"),
    Integer(KEY(mfa.codes_per_hour), 5, 1, 1000,
            "e-mail or SMS codes per hour to one account (per method) and to one address or "
            "number, whoever asks"),

    Text(KEY(webauthn.rp_id), "", "domain",
         "the RP ID passkeys are scoped to; the host of `server.public_url` when empty — "
         "passkeys are off when that is an IP address or plain http other than localhost"),
    Text(KEY(webauthn.origins), "", "origin list",
         "comma-separated origins (`https://id.example.com`) where ceremonies may run, each on "
         "the RP ID or a subdomain of it; the origin of `server.public_url` when empty"),
    Choice(KEY(webauthn.attestation), "none", {"none", "required"},
           "`none`: any authenticator (a `packed` statement sent anyway is verified); "
           "`required`: only authenticators whose `packed` certificate chains to "
           "`attestation_roots_file`"),
    Text(KEY(webauthn.attestation_roots_file), "", "path",
         "PEM certificates of the authenticator makers trusted with `attestation: required` "
         "(e.g. from the FIDO Metadata Service)"),

    Text(KEY(cors.allowed_origins), "", "origin list",
         "comma-separated origins (`https://app.example.com`) whose pages may call the API "
         "(see Browsers)"),
    Integer(KEY(cors.max_age_seconds), 600, 0, kDay,
            "how long a browser may reuse a preflight answer"),
    Boolean(KEY(cookies.enabled), false,
            "sign-in and refresh also set `__Host-` cookies, with CSRF checks (see Browsers)"),

    Rate(KEY(rate_limits.login), "30/1m", "per address: the password step of a sign-in"),
    Rate(KEY(rate_limits.mfa), "30/1m",
         "per address: second steps, code sends and confirmations"),
    Rate(KEY(rate_limits.registration), "10/1h", "per address: new accounts, accepted invitations"),
    Rate(KEY(rate_limits.verify_email), "30/1h", "per address: verification and its resends"),
    Rate(KEY(rate_limits.password_reset), "10/1h", "per address: forgot- and reset-password"),
    Rate(KEY(rate_limits.refresh), "300/1m", "per address: token refreshes"),
    Integer(KEY(brute_force.free_attempts), 5, 1, 1000,
            "guesses at one account's password or second factor before any delay"),
    Integer(KEY(brute_force.base_delay_seconds), 1, 1, 3600,
            "the delay after the first attempt past them; it doubles after each"),
    Integer(KEY(brute_force.max_delay_seconds), 900, 1, kDay, "the longest delay"),

    Choice(KEY(mail.transport), "log", {"log", "smtp"},
           "`log` writes messages to the log; `smtp` sends them"),
    Text(KEY(mail.from), "Gatehouse <no-reply@localhost>", "address", "the sender"),
    Text(KEY(mail.product_name), "Gatehouse", "text", "the name in messages"),
    Text(KEY(mail.templates_dir), "", "path",
         "message templates overriding the built-in ones (below)"),
    Integer(KEY(mail.retry_base_seconds), 5, 1, 3600,
            "the outbox's first retry delay; it doubles, up to an hour"),
    Integer(KEY(mail.max_attempts), 10, 1, 1000, "deliveries of an e-mail or SMS tried before it is given up"),
    Text(KEY(mail.smtp.host), "127.0.0.1", "host", "SMTP server"),
    Integer(KEY(mail.smtp.port), 25, 1, 65535, "SMTP port"),
    Choice(KEY(mail.smtp.security), "starttls", {"none", "starttls", "tls"},
           "`starttls` is required once chosen (never a plaintext fallback); `tls` is implicit "
           "TLS"),
    Text(KEY(mail.smtp.username), "", "text", "AUTH PLAIN or LOGIN user, when set"),
    Text(KEY(mail.smtp.password), "", "text", "its password"),
    Text(KEY(mail.smtp.ca_file), "", "path",
         "PEM file of CAs to trust for the SMTP server instead of the system's"),
    Integer(KEY(mail.smtp.timeout_seconds), 15, 1, 600, "one deadline for a whole SMTP session"),

    Choice(KEY(sms.provider), "log", {"log", "twilio"},
           "`log` writes texts to the log; `twilio` sends them through any Twilio-compatible "
           "Messages API"),
    Integer(KEY(sms.timeout_seconds), 10, 1, 600, "per delivery attempt"),
    Text(KEY(sms.twilio.base_url), "https://api.twilio.com", "URL",
         "the API's address (`{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json`)"),
    Text(KEY(sms.twilio.account_sid), "", "text", "the account (basic authentication user)"),
    Text(KEY(sms.twilio.auth_token), "", "text", "its token"),
    Text(KEY(sms.twilio.from), "", "E.164 number", "the sending number"),
    Text(KEY(sms.twilio.ca_file), "", "path", "CAs to trust for the API instead of the system's"),

    Text(KEY(geoip.databases), "", "path list",
         "comma-separated MaxMind DB files (GeoIP2 or GeoLite2 City, or ip-location-db's IPv4 "
         "and IPv6 files); none: sessions have no location"),
    Text(KEY(user_agents.regexes_file), "", "path",
         "uap-core `regexes.yaml` for naming sessions' browsers and systems"),

    Boolean(KEY(ui.enabled), true,
            "serve the hosted pages, which OpenID Connect sign-in and logout need"),
    Text(KEY(ui.product_name), "", "text", "the name on every page; `mail.product_name` when empty"),
    Text(KEY(ui.logo_file), "", "path",
         "an `.svg` or `.png` (≤ 512 KiB) shown instead of the built-in mark"),
    Text(KEY(ui.primary_color), "", "`#rrggbb`",
         "buttons and links (the built-in blue when empty); the text on it is black or white, "
         "whichever contrasts more"),
    Text(KEY(ui.terms_url), "", "URL", "footer link, shown when set"),
    Text(KEY(ui.privacy_url), "", "URL", "footer link, shown when set"),
    Text(KEY(ui.support_url), "", "URL", "footer link, shown when set"),
    Text(KEY(ui.templates_dir), "", "path",
         "page templates overriding the built-in ones, file by file; an unknown file stops "
         "start-up"),
    Text(KEY(ui.catalog_dir), "", "path",
         "`<language>.json` string catalogs overriding or adding to the built-in English"),
    Text(KEY(ui.allowed_return_urls), "", "URL list",
         "comma-separated absolute URLs a sign-in may return to besides `public_url` (scheme, "
         "host and port equal, path under the entry's)"),
    Text(KEY(ui.link_base), "", "URL",
         "where e-mailed links point (`/verify-email`, `/reset-password`, `/accept-invitation`, "
         "`/sign-in`, `/sign-up`, `/forgot-password` under it); `server.public_url` when empty: "
         "an app with its own pages sets its own"),

    Choice(KEY(log.level), "info", {"trace", "debug", "info", "warn", "error"},
           "one JSON access-log line per request at `info`"),
  };
}
// clang-format on

#undef KEY

std::string DefaultShown(const ConfigKey& key) {
  if (!key.derived_default.empty()) return key.derived_default;
  if (key.default_value.empty()) return "-";
  return "`" + key.default_value + "`";
}

}  // namespace

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = MakeKeys();
  return keys;
}

const ConfigKey* FindConfigKey(std::string_view name) {
  for (const auto& key : ConfigKeys()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

std::string EnvironmentName(std::string_view key) {
  std::string name = "GATEHOUSE_";
  for (char ch : key) {
    name += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return name;
}

std::string ConfigKeysMarkdown() {
  std::string table = "| key | default | values | meaning |\n|---|---|---|---|\n";
  for (const auto& key : ConfigKeys()) {
    table += "| `" + key.name + "` | " + DefaultShown(key) + " | " + key.values + " | " +
             key.meaning + " |\n";
  }
  return table;
}

}  // namespace gatehouse
