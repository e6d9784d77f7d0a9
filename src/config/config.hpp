#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "protect/rate_policy.hpp"

namespace gatehouse {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  // 0 until LoadConfig derives them from the cores (see ApplyDerivedDefaults in config.cpp).
  int io_threads = 0;      // Beast I/O threads: parse and write HTTP (default: one per core)
  int worker_threads = 0;  // run handlers (SQL, cache) off the I/O threads
  int header_timeout_seconds = 10;  // whole request head must arrive within this (slowloris)
  int body_timeout_seconds = 30;
  int idle_timeout_seconds = 60;  // keep-alive connection with no new request
  int shutdown_grace_seconds = 10;
  std::int64_t body_limit_bytes = std::int64_t{1024} * 1024;
  int header_limit_bytes = 16 * 1024;
  int header_fields_limit = 100;                     // more fields in one request: 431
  int target_limit_bytes = 8 * 1024;                 // a longer path and query: 414
  int max_connections = 10000;                       // open connections; past this, 503 and close
  std::string public_url = "http://127.0.0.1:8080";  // the pages' origin; links unless ui.link_base
  int instances = 1;  // Gatehouse processes sharing the database and cache (behind a balancer)
  // CIDR blocks of the proxies whose X-Forwarded-For / Forwarded headers are believed.
  std::string trusted_proxies;
};

struct DatabaseConfig {
  std::string url = "sqlite://gatehouse.db";
  int pool_size = 0;  // 0 until LoadConfig makes it two per core (at least 4)
  int busy_timeout_ms = 5000;
};

struct RedisConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;
};

struct MemcachedConfig {
  std::string servers = "127.0.0.1:11211";  // host:port[,host:port...]
};

struct CacheConfig {
  std::string type = "memory";                              // memory | redis | memcached
  std::int64_t max_bytes = std::int64_t{64} * 1024 * 1024;  // memory only
  std::string key_prefix = "gatehouse:";  // redis and memcached: keys of this deployment
  int pool_size = 8;                      // redis and memcached connections
  int connect_timeout_ms = 1000;
  int command_timeout_ms = 1000;
  RedisConfig redis;
  MemcachedConfig memcached;
};

struct TokenConfig {
  std::string issuer = "http://127.0.0.1:8080";
  std::string audience = "gatehouse";
  std::string algorithm = "EdDSA";  // EdDSA | ES256 | HS256
  std::string hs256_secret;         // required (>= 32 bytes) only with HS256
  int access_ttl_seconds = 15 * 60;
  int refresh_ttl_seconds = 60 * 60;
  int remember_access_ttl_seconds = 24 * 60 * 60;
  int remember_refresh_ttl_seconds = 14 * 24 * 60 * 60;
  int refresh_reuse_grace_seconds = 0;  // 0..60
  int leeway_seconds = 30;              // clock skew tolerated on exp/nbf/iat
  int key_reload_seconds = 60;          // how often keys rotated by another process are picked up
};

struct AccountConfig {
  bool require_verified_email = true;
  int verify_link_ttl_seconds = 24 * 60 * 60;
  int verify_code_ttl_seconds = 15 * 60;
  int verify_code_max_attempts = 5;
  int verify_resend_per_hour = 5;
  int password_min_length = 8;
  // Least zxcvbn guess estimate accepted, in bits: 20 ≈ a million guesses (zxcvbn score 2).
  int password_min_guess_bits = 20;
  int reset_link_ttl_seconds = 60 * 60;
  int forgot_password_per_hour = 5;  // reset e-mails per address
  int invitation_ttl_seconds = 7 * 24 * 60 * 60;
};

struct PasswordHashConfig {
  int threads = 0;       // 0 until LoadConfig makes it one per core
  int queue_limit = 16;  // more waiting hashes than this answer 503 at once
  std::uint64_t opslimit = 2;
  std::uint64_t memlimit_kib = std::uint64_t{19} * 1024;  // OWASP: Argon2id m=19 MiB, t=2, p=1
};

struct SmtpConfig {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string security = "starttls";  // none | starttls | tls
  std::string username;
  std::string password;
  std::string ca_file;  // PEM bundle to trust instead of the system's (private CA)
  int timeout_seconds = 15;
};

struct MailConfig {
  std::string transport = "log";  // log | smtp
  std::string from = "Gatehouse <no-reply@localhost>";
  std::string product_name = "Gatehouse";
  // Optional directory of message templates overriding the built-in ones (see README).
  std::string templates_dir;
  SmtpConfig smtp;
  int retry_base_seconds = 5;
  int max_attempts = 10;
};

// A Twilio-compatible Messages API: POST {base_url}/2010-04-01/Accounts/{account_sid}/
// Messages.json with basic authentication.
struct TwilioConfig {
  std::string base_url = "https://api.twilio.com";
  std::string account_sid;
  std::string auth_token;
  std::string from;     // the sending number, E.164
  std::string ca_file;  // PEM bundle to trust instead of the system's
};

struct SmsConfig {
  std::string provider = "log";  // log | twilio
  TwilioConfig twilio;
  int timeout_seconds = 10;
};

struct SessionConfig {
  // A session ends this long after login whatever happens, remember-me included.
  int absolute_lifetime_seconds = 30 * 24 * 60 * 60;
  // The last_* fields of a session are written at most this often (token checks do no
  // database write in between).
  int activity_interval_seconds = 60;
};

struct GeoIpConfig {
  // MaxMind DB files (comma-separated): a GeoIP2/GeoLite2 City database, or the flat IPv4
  // and IPv6 files of ip-location-db. Empty: sessions have no location.
  std::string databases;
};

struct UserAgentConfig {
  std::string regexes_file;  // uap-core regexes.yaml; empty: agents are not parsed
};

struct MfaConfig {
  // 32 random bytes, base64url, that seal TOTP seeds and key the hashes of sent codes.
  // Created (mode 0600) on first start when missing; every instance must share the same file.
  std::string secret_key_file = "gatehouse-mfa.key";
  // The same key given directly (e.g. from a secret store through GATEHOUSE_MFA_SECRET_KEY);
  // when set, the file is not used.
  std::string secret_key;
  // E-mail and SMS codes sent per hour to one user for one method, and to one address or
  // phone number whoever asks (SMS pumping costs money).
  int codes_per_hour = 5;
};

// Browsers: which sites may call the API, and tokens in cookies (README: "Browsers").
struct CorsConfig {
  // Origins ("https://app.example.com") whose pages may call the API, comma-separated.
  std::string allowed_origins;
  int max_age_seconds = 600;  // how long a browser may reuse a preflight answer
};

struct CookieConfig {
  // Login and refresh also set __Host- cookies; requests authenticated by them need CSRF
  // protection (the X-CSRF-Token header).
  bool enabled = false;
};

// Limits per client IP on the routes attackers aim at (README lists which route has which);
// written "N/period" (e.g. "20/1m", "10/1h") or "off".
struct RateLimitConfig {
  RatePolicy login{30, 60'000};              // the password step of a sign-in
  RatePolicy mfa{30, 60'000};                // second steps, code sends and confirmations
  RatePolicy registration{10, 3'600'000};    // new accounts, accepted invitations
  RatePolicy verify_email{30, 3'600'000};    // verification and its resends
  RatePolicy password_reset{10, 3'600'000};  // forgot- and reset-password
  RatePolicy refresh{300, 60'000};
};

// Growing delays for an account whose password (or second factor) is guessed wrong, instead
// of a lockout an attacker could use against its owner (OWASP ASVS 2.2.1).
struct BruteForceConfig {
  int free_attempts = 5;       // attempts before any delay (a success starts the count again)
  int base_delay_seconds = 1;  // the delay after the first attempt past them; doubles after each
  int max_delay_seconds = 900;
};

struct LogConfig {
  std::string level = "info";  // trace | debug | info | warn | error
};

// The hosted pages (sign-in, sign-up, recovery, account center).
struct UiConfig {
  bool enabled = true;        // off: no pages; e-mailed links still point at public_url
  std::string product_name;   // shown on every page; mail.product_name when empty
  std::string logo_file;      // an SVG or PNG to show instead of the built-in mark
  std::string primary_color;  // "#rrggbb" for buttons and links; empty: the built-in blue
  std::string terms_url;      // footer links, each shown when set
  std::string privacy_url;
  std::string support_url;
  std::string templates_dir;  // page templates overriding the built-in ones, file by file
  std::string catalog_dir;    // <language>.json string catalogs beside the built-in English
  // Comma-separated absolute URLs a sign-in may return to (?return_to=) besides public_url;
  // a return URL must have an entry's scheme, host and port, and its path under the entry's.
  std::string allowed_return_urls;
  // Where e-mailed links point: <link_base>/verify-email?token=…, /reset-password?token=…,
  // /accept-invitation?token=…. public_url when empty; an app with its own pages sets its own.
  std::string link_base;
};

struct Config {
  ServerConfig server;
  DatabaseConfig database;
  CacheConfig cache;
  TokenConfig tokens;
  AccountConfig accounts;
  PasswordHashConfig password_hash;
  MailConfig mail;
  SmsConfig sms;
  SessionConfig sessions;
  GeoIpConfig geoip;
  UserAgentConfig user_agents;
  MfaConfig mfa;
  CorsConfig cors;
  CookieConfig cookies;
  RateLimitConfig rate_limits;
  BruteForceConfig brute_force;
  UiConfig ui;
  LogConfig log;
};

// Thrown at start-up for an unreadable file, an unknown key or a bad value; the message
// names the key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The CPUs this process may run on (a cpuset such as docker --cpuset-cpus counts); the
// defaults of thread counts and pool sizes follow it.
int AvailableCores();

// Loads the YAML file at `path` (empty: embedded defaults only), then applies
// GATEHOUSE_* overrides from `environment` (e.g. GATEHOUSE_SERVER_PORT=9000), then validates.
Config LoadConfig(const std::string& path, const std::map<std::string, std::string>& environment);

// The process environment as a map, for LoadConfig.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace gatehouse
