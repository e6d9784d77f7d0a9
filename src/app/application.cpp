#include "app/application.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/client_json.hpp"
#include "api/routes.hpp"
#include "app/user_commands.hpp"
#include "auth/account_service.hpp"
#include "auth/email_change_service.hpp"
#include "auth/invitation_service.hpp"
#include "auth/key_ring.hpp"
#include "auth/login_service.hpp"
#include "auth/mfa_enrolment.hpp"
#include "auth/mfa_login.hpp"
#include "auth/passkey_enrolment.hpp"
#include "auth/passkey_sign_in.hpp"
#include "auth/password_service.hpp"
#include "auth/security_log.hpp"
#include "auth/session_service.hpp"
#include "auth/sign_in_alerts.hpp"
#include "auth/token_service.hpp"
#include "auth/user_administration.hpp"
#include "cache/memcached/memcached_cache.hpp"
#include "cache/memory/memory_cache.hpp"
#include "cache/redis/redis_cache.hpp"
#include "cache/redis/redis_pipeline.hpp"
#include "crypto/password_hasher.hpp"
#include "crypto/random.hpp"
#include "crypto/secret_box.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "notify/outbox_sender.hpp"
#include "oidc/authorization_service.hpp"
#include "oidc/backchannel_logout.hpp"
#include "oidc/client_registry.hpp"
#include "ops/metrics.hpp"
#include "store/authorization_code_store.hpp"
#include "store/database.hpp"
#include "store/email_change_store.hpp"
#include "store/known_device_store.hpp"
#include "store/machine_token_store.hpp"
#include "store/mfa_store.hpp"
#include "store/migrations.hpp"
#include "store/oidc_login_store.hpp"
#include "store/pg_pipeline.hpp"
#include "store/session_store.hpp"
#include "store/sign_in_alert_store.hpp"
#include "store/webhook_store.hpp"
#include "ui/page_renderer.hpp"
#include "ui/page_routes.hpp"
#include "webauthn/attestation_roots.hpp"
#include "webhooks/webhook_channel.hpp"
#include "webhooks/webhook_service.hpp"

namespace gatehouse {

namespace {

std::unique_ptr<Cache> MakeCache(const CacheConfig& config, const Clock& clock) {
  if (config.type == "redis") return std::make_unique<RedisCache>(config);
  if (config.type == "memcached") return std::make_unique<MemcachedCache>(config);
  return std::make_unique<MemoryCache>(clock, static_cast<std::size_t>(config.max_bytes));
}

// The key of the MFA secret box: mfa.secret_key when set (checked by LoadConfig), else the
// key file, which one instance alone may create.
std::string MfaKey(const Config& c) {
  if (!c.mfa.secret_key.empty()) return *Base64UrlDecode(c.mfa.secret_key);
  return LoadOrCreateKeyFile(c.mfa.secret_key_file, c.server.instances == 1);
}

}  // namespace

// Owned components, in construction order (destroyed in reverse).
struct Application::Parts {
  explicit Parts(const Config& c)
      : db(c.database),
        cache(MakeCache(c.cache, clock)),
        hasher(c.password_hash.threads, static_cast<std::size_t>(c.password_hash.queue_limit),
               c.password_hash.opslimit, c.password_hash.memlimit_kib),
        keys(db, c.tokens, clock),
        outbox(db, MakeMailer(c.mail), MakeSmsSender(c.sms), clock, c),
        templates(c.mail.templates_dir),
        policy(static_cast<std::size_t>(c.accounts.password_min_length),
               c.accounts.password_min_guess_bits),
        tokens(db, *cache, keys, c.tokens, c.sessions, clock),
        limiter(*cache, clock),
        attempts(*cache, clock, c.brute_force),
        geo(c.geoip.databases),
        agents(c.user_agents.regexes_file),
        security_log(db, geo, agents, clock),
        account_context{db,     *cache,    limiter, attempts, hasher, tokens,
                        outbox, templates, policy,  c,        clock,  security_log},
        accounts(account_context),
        mfa_box(MfaKey(c)),
        second_factors(account_context, mfa_box),
        passkey_ceremonies(account_context, mfa_box),
        attestation_roots(
            c.webauthn.attestation == "required"
                ? std::make_unique<AttestationRoots>(c.webauthn.attestation_roots_file)
                : nullptr),
        passkeys(account_context, passkey_ceremonies, mfa_box, attestation_roots.get()),
        passkey_sign_in(account_context, passkey_ceremonies),
        mfa_login(account_context, mfa_box, passkey_ceremonies),
        login(account_context, mfa_login),
        passwords(account_context),
        email_changes(account_context),
        sign_in_alerts(account_context, geo, agents),
        invitations(account_context),
        users(account_context, mfa_box),
        sessions(account_context, geo, agents),
        cors(c.cors.allowed_origins, c.cookies.enabled, c.cors.max_age_seconds),
        clients(db, tokens, clock),
        authorizations(db, *cache, clients, tokens, keys, c, clock),
        backchannel(db, keys, outbox, c, clock),
        webhook_destinations(c.webhooks.allowed_networks),
        webhook_channel(db, mfa_box, webhook_destinations, c, clock),
        webhooks(db, outbox, mfa_box, security_log, webhook_destinations, clock),
        services{
            accounts,     login,         second_factors, mfa_login,      passkeys, passkey_sign_in,
            passwords,    email_changes, sign_in_alerts, invitations,    users,    sessions,
            security_log, webhooks,      clients,        authorizations, tokens,   keys,
            db,           *cache,        limiter,        cors,           c},
        renderer(c.ui.enabled ? std::make_unique<PageRenderer>(c) : nullptr),
        pages(renderer ? std::optional<PageServices>(PageServices{services, *renderer})
                       : std::nullopt) {
    if (renderer) services.return_urls = &renderer->return_urls();
    tokens.OnSignInSessionEnded(
        [this](const SessionRecord& session) { backchannel.SessionEnded(session); });
    security_log.Watch(tokens);
    sign_in_alerts.Watch(tokens);
    outbox.AddChannel(kWebhookChannel, webhook_channel, kWebhookSenders);
    security_log.OnStored([this](Connection& sql, const std::vector<EventRecord>& events) {
      webhooks.QueueDeliveries(sql, events);
    });
  }

  SystemClock clock;
  Database db;
  std::unique_ptr<Cache> cache;
  PasswordHasher hasher;
  KeyRing keys;
  OutboxSender outbox;
  MessageTemplates templates;
  PasswordPolicy policy;
  TokenService tokens;
  RateLimiter limiter;
  AttemptThrottle attempts;
  GeoIp geo;
  UserAgentParser agents;
  SecurityLog security_log;
  AccountContext account_context;
  AccountService accounts;
  SecretBox mfa_box;
  MfaEnrolment second_factors;
  PasskeyCeremonies passkey_ceremonies;
  std::unique_ptr<AttestationRoots> attestation_roots;  // with webauthn.attestation required
  PasskeyEnrolment passkeys;
  PasskeySignIn passkey_sign_in;
  MfaLogin mfa_login;
  LoginService login;
  PasswordService passwords;
  EmailChangeService email_changes;
  SignInAlerts sign_in_alerts;
  InvitationService invitations;
  UserAdministration users;
  SessionService sessions;
  Cors cors;
  ClientRegistry clients;
  AuthorizationService authorizations;
  BackchannelLogout backchannel;
  WebhookDestinations webhook_destinations;
  WebhookChannel webhook_channel;
  WebhookService webhooks;
  Services services;
  std::unique_ptr<PageRenderer> renderer;  // none when ui.enabled is off
  std::optional<PageServices> pages;       // with the renderer
};

namespace {

// Periodic upkeep: picks up keys rotated by another process, purges expired sessions and
// challenges, and the security log events past events.retention_days.
class Housekeeping {
 public:
  Housekeeping(Application::Parts& parts, int interval_seconds, int event_retention_days)
      : parts_(parts), interval_(interval_seconds), event_retention_days_(event_retention_days) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Housekeeping() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(interval_), [this] { return stopping_; })) {
      lock.unlock();
      if (Status reloaded = parts_.keys.Reload(); !reloaded) {
        spdlog::warn("key reload failed: {}", reloaded.error().reason);
      }
      std::int64_t now = parts_.clock.NowSeconds();
      auto purged = parts_.db.Write<long long>([&](Connection& sql) -> Result<long long> {
        return session_store::DeleteExpired(sql, now);
      });
      if (purged && *purged > 0) spdlog::info("purged {} expired sessions", *purged);
      // Two statements: a transaction, since Write is for one.
      auto challenges = parts_.db.Transaction<long long>(
          [&](Connection& sql) -> Result<long long> { return mfa_store::DeleteExpired(sql, now); });
      if (challenges && *challenges > 0) {
        spdlog::info("purged {} expired sign-in challenges and codes", *challenges);
      }
      auto codes = parts_.db.Write<long long>([&](Connection& sql) -> Result<long long> {
        return authorization_code_store::DeleteExpired(sql, now);
      });
      if (codes && *codes > 0) spdlog::info("purged {} expired authorization codes", *codes);
      (void)parts_.db.Write<long long>([&](Connection& sql) -> Result<long long> {
        return machine_token_store::DeleteExpired(sql, now);
      });
      (void)parts_.db.Write<long long>([&](Connection& sql) -> Result<long long> {
        return email_change_store::DeleteExpired(sql, now);
      });
      (void)parts_.db.Write<long long>([&](Connection& sql) -> Result<long long> {
        return sign_in_alert_store::DeleteExpired(sql, now);
      });
      (void)parts_.db.Write<long long>([&](Connection& sql) -> Result<long long> {
        return known_device_store::DeleteUnseenSince(
            sql, now - std::int64_t{parts_.account_context.config.alerts.new_device_days} * 86400);
      });
      auto events = parts_.security_log.DeleteOlderThan(event_retention_days_);
      if (events && *events > 0) spdlog::info("purged {} security log events", *events);
      // A delivery's log entry is kept as long as its event.
      (void)parts_.db.Write<long long>([&](Connection& sql) -> Result<long long> {
        return webhook_store::DeleteFinishedBefore(
            sql, now - std::int64_t{event_retention_days_} * 86400);
      });
      // Sessions that expired (rather than ended) tell no client: only their records go.
      (void)parts_.db.Write<long long>([&](Connection& sql) -> Result<long long> {
        return oidc_login_store::DeleteOrphans(sql);
      });
      lock.lock();
    }
  }

  Application::Parts& parts_;
  int interval_;
  int event_retention_days_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

Application::Application(Config config)
    : config_(std::move(config)), parts_(std::make_unique<Parts>(config_)) {}

Application::~Application() = default;

int Application::Migrate() {
  auto applied = ApplyMigrations(parts_->db);
  if (!applied) {
    spdlog::critical("migration failed: {}", applied.error().reason);
    return 1;
  }
  spdlog::info("database schema is current ({} migration(s) applied now)", applied->size());
  return 0;
}

int Application::MigrateAndLoadKeys() {
  if (int rc = Migrate(); rc != 0) return rc;
  if (Status loaded = parts_->keys.Load(); !loaded) {
    spdlog::critical("cannot load signing keys: {}", loaded.error().reason);
    return 1;
  }
  return 0;
}

int Application::Serve() {
  if (int rc = MigrateAndLoadKeys(); rc != 0) return rc;
  Router router;
  AddAllRoutes(router, parts_->services);
  if (parts_->pages) AddAllPages(router, *parts_->pages);

  RegisterGauges();
  bool storage_in_process =
      parts_->db.dialect() == Database::Dialect::kSqlite && config_.cache.type == "memory";
  HttpServer server(config_.server, router, parts_->cors, storage_in_process);
  server.Listen();
  // The token check (Redis) and /v1/me (PostgreSQL) wait for the network without holding a
  // thread, through pipelined connections on the I/O threads (RedisPipeline, PgPipeline);
  // detached when `server` has stopped, before it goes.
  auto* redis = dynamic_cast<RedisCache*>(parts_->cache.get());
  if (redis) redis->AttachAsync(std::make_unique<RedisPipeline>(server.executor(), config_.cache));
  if (parts_->db.dialect() == Database::Dialect::kPostgres) {
    parts_->db.AttachAsync(
        std::make_unique<PgPipeline>(server.executor(), parts_->db.conninfo(),
                                     std::chrono::milliseconds(config_.database.busy_timeout_ms)));
  }
  struct Detach {
    RedisCache* redis;
    Database& db;
    ~Detach() {
      if (redis) redis->DetachAsync();
      db.DetachAsync();
    }
  } detach{redis, parts_->db};
  parts_->outbox.Start();
  Housekeeping housekeeping(*parts_, std::min(config_.tokens.key_reload_seconds, 60),
                            config_.events.retention_days);
  spdlog::info("gatehouse listening on http://{}:{} (database {}, cache {}, mail {})",
               config_.server.host, server.port(), config_.database.url.substr(0, 9) + "...",
               config_.cache.type, config_.mail.transport);
  server.Run();
  return 0;
}

void Application::RegisterGauges() {
  Parts& parts = *parts_;
  GlobalMetrics().AddGauge(
      "gatehouse_active_sessions", "Sessions whose refresh token is live.", [&parts]() -> double {
        auto count = parts.db.Run<long long>([&](Connection& sql) -> Result<long long> {
          return session_store::CountLive(sql, parts.clock.NowSeconds());
        });
        return count ? static_cast<double>(*count) : -1;
      });
  GlobalMetrics().AddGauge(
      "gatehouse_password_hash_queue_depth", "Password hashes waiting for the hashing pool.",
      [&parts]() -> double { return static_cast<double>(parts.hasher.QueueDepth()); });
}

int Application::PrintRoutes() {
  Router router;
  AddAllRoutes(router, parts_->services);
  for (const Route& route : router.routes())
    std::cout << route.method << ' ' << route.pattern << '\n';
  return 0;
}

int Application::AdministerUsers(const UserCommands& command) {
  if (int rc = Migrate(); rc != 0) return rc;
  return command.Run(parts_->users);
}

int Application::RotateKeys() {
  if (int rc = MigrateAndLoadKeys(); rc != 0) return rc;
  auto kids = KeyRing::Rotate(parts_->db, config_.tokens, parts_->clock);
  if (!kids) {
    std::cerr << "cannot rotate keys: " << kids.error().reason << "\n";
    return 1;
  }
  // The first is the access tokens' algorithm's (with HS256, whose secret is rotated by
  // changing tokens.hs256_secret, simply the first); the others may sign ID tokens.
  std::cout << "new signing key " << kids->front() << "; for the other algorithms";
  for (std::size_t i = 1; i < kids->size(); ++i) std::cout << " " << (*kids)[i];
  std::cout << "; running servers pick them up within tokens.key_reload_seconds\n";
  return 0;
}

int Application::CreateClient(const NewClient& client) {
  if (int rc = Migrate(); rc != 0) return rc;
  auto created = parts_->clients.Create(client);
  if (!created) {
    std::cerr << "cannot create client: "
              << (created.error().detail.empty() ? created.error().reason : created.error().detail)
              << "\n";
    return 1;
  }
  nlohmann::json json = ClientJson(created->client);
  if (!created->secret.empty()) json["client_secret"] = created->secret;
  std::cout << json.dump(2) << "\n";
  return 0;
}

int Application::ListClients() {
  if (int rc = Migrate(); rc != 0) return rc;
  auto clients = parts_->clients.List();
  if (!clients) {
    std::cerr << "cannot list clients: " << clients.error().reason << "\n";
    return 1;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& client : *clients) list.push_back(ClientJson(client));
  std::cout << list.dump(2) << "\n";
  return 0;
}

int Application::DeleteClient(const std::string& client_id) {
  if (int rc = Migrate(); rc != 0) return rc;
  if (Status deleted = parts_->clients.Delete(client_id); !deleted) {
    std::cerr << "cannot delete client " << client_id << ": "
              << (deleted.error().code == Errc::kNotFound ? "no such client"
                                                          : deleted.error().reason)
              << "\n";
    return 1;
  }
  std::cout << "deleted client " << client_id << "\n";
  if (config_.cache.type == "memory") {
    // This process's cache is not the server's: the server still whitelists the grants'
    // access tokens until they expire.
    std::cerr << "note: with cache.type memory a running server keeps the client's access "
                 "tokens valid until they expire (tokens.access_ttl_seconds); DELETE "
                 "/v1/clients/{id} revokes them at once\n";
  }
  return 0;
}

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("gatehouse");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
  // The security log's lines (auth/security_log.hpp), at info: one JSON object each with
  // nothing around it.
  auto security = spdlog::stderr_logger_mt("security");
  security->set_pattern("%v");
  security->set_level(logger->level());
}

}  // namespace gatehouse
