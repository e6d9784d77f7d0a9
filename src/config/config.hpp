#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "protect/rate_policy.hpp"

namespace gatehouse {

// The settings, one struct per section of the file. A default-constructed Config is all
// zeros and empty strings: defaults, ranges and meanings are in the key table
// (config_keys.cpp), and DefaultConfig() or LoadConfig() apply them.
struct ServerConfig {
  std::string host;
  int port{};
  int io_threads{};      // 0 until LoadConfig derives it (ApplyDerivedDefaults)
  int worker_threads{};  // 0 until LoadConfig derives it
  int header_timeout_seconds{};
  int body_timeout_seconds{};
  int idle_timeout_seconds{};
  int shutdown_grace_seconds{};
  std::int64_t body_limit_bytes{};
  int header_limit_bytes{};
  int header_fields_limit{};
  int target_limit_bytes{};
  int max_connections{};
  std::string public_url;
  int instances{};
  std::string trusted_proxies;
};

struct DatabaseConfig {
  std::string url;
  int pool_size{};  // 0 until LoadConfig derives it
  int busy_timeout_ms{};
};

struct RedisConfig {
  std::string host;
  int port{};
  std::string password;
  int db{};
};

struct MemcachedConfig {
  std::string servers;
};

struct CacheConfig {
  std::string type;
  std::int64_t max_bytes{};
  std::string key_prefix;
  int pool_size{};
  int connect_timeout_ms{};
  int command_timeout_ms{};
  RedisConfig redis;
  MemcachedConfig memcached;
};

struct TokenConfig {
  std::string issuer;
  std::string audience;
  std::string algorithm;
  std::string hs256_secret;
  int access_ttl_seconds{};
  int refresh_ttl_seconds{};
  int remember_access_ttl_seconds{};
  int remember_refresh_ttl_seconds{};
  int refresh_reuse_grace_seconds{};
  int leeway_seconds{};
  int key_reload_seconds{};
};

struct AccountConfig {
  bool require_verified_email{};
  int verify_link_ttl_seconds{};
  int verify_code_ttl_seconds{};
  int verify_code_max_attempts{};
  int verify_resend_per_hour{};
  int password_min_length{};
  int password_min_guess_bits{};
  int reset_link_ttl_seconds{};
  int forgot_password_per_hour{};
  int invitation_ttl_seconds{};
};

struct PasswordHashConfig {
  int threads{};  // 0 until LoadConfig derives it
  int queue_limit{};
  std::uint64_t opslimit{};
  std::uint64_t memlimit_kib{};
};

struct SmtpConfig {
  std::string host;
  int port{};
  std::string security;
  std::string username;
  std::string password;
  std::string ca_file;
  int timeout_seconds{};
};

struct MailConfig {
  std::string transport;
  std::string from;
  std::string product_name;
  std::string templates_dir;
  SmtpConfig smtp;
  int retry_base_seconds{};
  int max_attempts{};
};

struct TwilioConfig {
  std::string base_url;
  std::string account_sid;
  std::string auth_token;
  std::string from;
  std::string ca_file;
};

struct SmsConfig {
  std::string provider;
  TwilioConfig twilio;
  int timeout_seconds{};
};

struct SessionConfig {
  int absolute_lifetime_seconds{};
  int activity_interval_seconds{};
};

struct EventConfig {
  int retention_days{};
};

struct AlertConfig {
  int new_device_days{};  // 0: no new sign-in alerts
};

struct WebhookConfig {
  std::string allowed_networks;  // CIDR blocks, not public, that deliveries may reach
  int max_attempts{};
  int retry_base_seconds{};
  int timeout_seconds{};
};

struct GeoIpConfig {
  std::string databases;
};

struct UserAgentConfig {
  std::string regexes_file;
};

struct MfaConfig {
  std::string secret_key_file;
  std::string secret_key;
  int codes_per_hour{};
};

struct WebauthnConfig {
  std::string rp_id;
  std::string origins;
  std::string attestation;
  std::string attestation_roots_file;
};

struct CorsConfig {
  std::string allowed_origins;
  int max_age_seconds{};
};

struct CookieConfig {
  bool enabled{};
};

struct RateLimitConfig {
  RatePolicy login;
  RatePolicy mfa;
  RatePolicy registration;
  RatePolicy verify_email;
  RatePolicy password_reset;
  RatePolicy refresh;
};

struct BruteForceConfig {
  int free_attempts{};
  int base_delay_seconds{};
  int max_delay_seconds{};
};

struct LogConfig {
  std::string level;
};

struct UiConfig {
  bool enabled{};
  std::string product_name;
  std::string logo_file;
  std::string primary_color;
  std::string terms_url;
  std::string privacy_url;
  std::string support_url;
  std::string templates_dir;
  std::string catalog_dir;
  std::string allowed_return_urls;
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
  EventConfig events;
  AlertConfig alerts;
  WebhookConfig webhooks;
  GeoIpConfig geoip;
  UserAgentConfig user_agents;
  MfaConfig mfa;
  WebauthnConfig webauthn;
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

// The table's defaults, before any file, environment or derived value (thread counts and
// pool sizes stay 0, ui.product_name and ui.link_base empty).
Config DefaultConfig();

// Loads the YAML file at `path` (empty: embedded defaults only), then applies
// GATEHOUSE_* overrides from `environment` (e.g. GATEHOUSE_SERVER_PORT=9000), then validates.
Config LoadConfig(const std::string& path, const std::map<std::string, std::string>& environment);

// The process environment as a map, for LoadConfig.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace gatehouse
