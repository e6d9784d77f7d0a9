#include "auth/token_service.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "auth/whitelist_entry.hpp"
#include "core/comma_list.hpp"
#include "crypto/jwt.hpp"
#include "crypto/random.hpp"
#include "ops/metrics.hpp"
#include "store/machine_token_store.hpp"
#include "store/session_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

using nlohmann::json;

// Signature checks remembered (~0.5 KiB each): enough for the active tokens of a large site.
constexpr std::size_t kVerifiedTokenCacheEntries = 65536;

std::chrono::seconds TtlUntil(std::int64_t expires_at, std::int64_t now) {
  return std::chrono::seconds(std::max<std::int64_t>(1, expires_at - now));
}

// Cache key of a session, as docs/api.md specifies.
std::string SessionKey(const std::string& user_id, const std::string& session_id) {
  return user_id + session_id;
}

AccessContext ContextOf(const TokenClaims& c) {
  return {c.subject,   c.session_id, c.jwt_id,    c.role, c.amr,
          c.issued_at, c.expires_at, c.client_id, c.scope};
}

// What a session row says of an access token.
enum class RowVerdict { kCurrent, kRevoked, kRotated };
RowVerdict Judge(const std::optional<SessionOwner>& owner, const TokenClaims& claims,
                 std::int64_t now) {
  if (!owner || owner->user.id != claims.subject || owner->refresh_expires_at <= now) {
    return RowVerdict::kRevoked;
  }
  return owner->access_jti == claims.jwt_id ? RowVerdict::kCurrent : RowVerdict::kRotated;
}

Error SessionRevokedOrExpired() {
  return MakeError(Errc::kTokenRevoked, "session revoked or expired");
}

std::string SessionInfoValue(const SessionRecord& s) {
  return json{{"session_id", s.id},           {"user_id", s.user_id},
              {"remember_me", s.remember_me}, {"login_time", s.login_time},
              {"last_active", s.last_active}, {"expires_at", s.refresh_expires_at}}
      .dump();
}

}  // namespace

Error AccountDisabled() {
  return MakeError(Errc::kAccountDisabled, "account disabled",
                   "This account is disabled. Ask the administrator to enable it.");
}

TokenService::TokenService(Database& db, Cache& cache, KeyRing& keys, const TokenConfig& config,
                           const SessionConfig& sessions, const Clock& clock)
    : db_(db),
      cache_(cache),
      sessions_(sessions),
      keys_(keys),
      config_(config),
      clock_(clock),
      verified_(kVerifiedTokenCacheEntries) {}

std::int64_t TokenService::CappedExpiry(const SessionRecord& s, std::int64_t now,
                                        std::int64_t lifetime) const {
  return std::min(now + lifetime, s.login_time + sessions_.absolute_lifetime_seconds);
}

JwsAlgorithm TokenService::AlgorithmOf(TokenAudience whose) const {
  if (whose == TokenAudience::kClient && keys_.algorithm() == JwsAlgorithm::kHS256) {
    return JwsAlgorithm::kEdDSA;
  }
  return keys_.algorithm();
}

std::int64_t TokenService::AccessTtl(const SessionRecord& s) const {
  if (s.is_grant()) return config_.access_ttl_seconds;
  return s.remember_me ? config_.remember_access_ttl_seconds : config_.access_ttl_seconds;
}

std::int64_t TokenService::RefreshTtl(const SessionRecord& s) const {
  // A grant that is not offline hands out no refresh token: it lives as its access token.
  if (s.is_grant()) {
    return s.remember_me ? config_.remember_refresh_ttl_seconds : config_.access_ttl_seconds;
  }
  return s.remember_me ? config_.remember_refresh_ttl_seconds : config_.refresh_ttl_seconds;
}

TokenPair TokenService::Sign(const SessionRecord& s, std::int64_t issued_at,
                             std::int64_t now) const {
  auto signer =
      s.is_grant() ? keys_.SignerFor(AlgorithmOf(TokenAudience::kClient)) : keys_.Signer();
  TokenClaims access;
  access.issuer = config_.issuer;
  access.audience = s.is_grant() ? s.client_id : config_.audience;
  access.subject = s.user_id;
  access.session_id = s.id;
  access.jwt_id = s.access_jti;
  access.issued_at = issued_at;
  access.expires_at = s.access_expires_at;
  access.amr = SplitCommas(s.amr);
  access.role = s.is_grant() ? "" : s.user_role;  // roles are Gatehouse's, not a client's
  access.client_id = s.client_id;
  access.scope = s.scope;
  TokenClaims refresh = access;
  refresh.jwt_id = s.refresh_jti;
  refresh.expires_at = s.refresh_expires_at;
  refresh.amr.clear();
  refresh.role.clear();

  TokenPair pair;
  pair.access_token = SignJwt(*signer, kAccessTokenType, access);
  // A grant that is not offline has no refresh token to give.
  if (!s.is_grant() || s.remember_me) {
    pair.refresh_token = SignJwt(*signer, kRefreshTokenType, refresh);
  }
  pair.expires_in = std::max<std::int64_t>(0, s.access_expires_at - now);
  pair.refresh_expires_in = std::max<std::int64_t>(0, s.refresh_expires_at - now);
  pair.session_id = s.id;
  return pair;
}

Result<TokenPair> TokenService::StartSession(const UserRecord& user, bool remember_me,
                                             const std::vector<std::string>& amr,
                                             const ClientInfo& client,
                                             const std::function<Status(Connection&)>& with) {
  std::int64_t now = clock_.NowSeconds();
  SessionRecord s;
  s.id = TimeOrderedId();
  s.user_id = user.id;
  s.remember_me = remember_me;
  s.amr = JoinWithCommas(amr);
  s.access_jti = RandomToken(16);
  s.refresh_jti = RandomToken(16);
  s.login_time = now;
  s.access_expires_at = CappedExpiry(s, now, AccessTtl(s));
  s.refresh_expires_at = CappedExpiry(s, now, RefreshTtl(s));
  s.last_active = now;
  s.login_user_agent = s.last_user_agent = client.user_agent;
  s.login_ip_address = s.last_ip_address = client.ip_address;
  s.user_role = user.role;

  auto insert = [&](Connection& sql) -> Status {
    if (with) {
      if (Status first = with(sql); !first) return first;
    }
    if (!session_store::Insert(sql, s)) return AccountDisabled();
    for (const auto& listener : session_starting_) listener(sql, user, s);
    return Ok{};
  };
  // A new session is whitelisted before its row commits, so no re-read is needed as in
  // Publish: a revocation that finds the row withdraws the entries after they were written, and
  // one that does not find it leaves the session alone, as it would a session begun after it.
  WriteToCache(s);
  auto stored = db_.Transaction<Ok>(insert);
  if (!stored) {
    (void)Unpublish(s);  // tokens never issued; failures are logged
    return stored.error();
  }
  return Sign(s, now, now);
}

Result<TokenPair> TokenService::StartGrant(
    const std::function<Result<GrantRequest>(Connection&)>& claim, const ClientInfo& client) {
  std::int64_t now = clock_.NowSeconds();
  SessionRecord s;
  auto stored = db_.Transaction<Ok>([&](Connection& sql) -> Status {
    auto grant = claim(sql);
    if (!grant) return grant.error();
    s = {};
    s.id = grant->grant_id;
    s.user_id = grant->user_id;
    s.remember_me = grant->offline;
    s.amr = JoinWithCommas(grant->amr);
    s.access_jti = RandomToken(16);
    s.refresh_jti = RandomToken(16);
    s.login_time = now;
    s.client_id = grant->client_id;
    s.scope = grant->scope;
    s.parent_session_id = grant->parent_session_id;
    s.auth_time = grant->auth_time;
    s.access_expires_at = CappedExpiry(s, now, AccessTtl(s));
    s.refresh_expires_at = CappedExpiry(s, now, RefreshTtl(s));
    s.last_active = now;
    s.login_user_agent = s.last_user_agent = client.user_agent;
    s.login_ip_address = s.last_ip_address = client.ip_address;
    if (!session_store::Insert(sql, s)) {
      return MakeError(Errc::kInvalidGrant, "account disabled", "The account is disabled.");
    }
    return Ok{};
  });
  if (!stored) return stored.error();
  Publish(s);
  return Sign(s, now, now);
}

Result<TokenPair> TokenService::IssueMachineToken(const std::string& client_id) {
  std::int64_t now = clock_.NowSeconds();
  std::string id = RandomToken(16);
  std::int64_t expires_at = now + config_.access_ttl_seconds;
  auto stored = db_.Write<Ok>([&](Connection& sql) -> Status {
    machine_token_store::Insert(sql, id, client_id, expires_at, now);
    return Ok{};
  });
  if (!stored) return stored.error();
  const std::string entry = WhitelistEntry("access", id, client_id, "");
  if (Status written = cache_.Set(id, entry, TtlUntil(expires_at, now)); !written) {
    spdlog::warn("cache write failed: {}", written.error().reason);
  }
  TokenClaims claims;
  claims.issuer = config_.issuer;
  claims.audience = client_id;
  claims.subject = client_id;
  claims.session_id = id;
  claims.jwt_id = id;
  claims.issued_at = now;
  claims.expires_at = expires_at;
  claims.client_id = client_id;
  TokenPair pair;
  pair.access_token =
      SignJwt(*keys_.SignerFor(AlgorithmOf(TokenAudience::kClient)), kAccessTokenType, claims);
  pair.expires_in = expires_at - now;
  pair.session_id = id;
  return pair;
}

Result<bool> TokenService::RevokeMachineToken(const std::string& token_id) {
  if (Status withdrawn = RemoveFromCache({token_id}); !withdrawn) return withdrawn.error();
  return db_.Write<bool>(
      [&](Connection& sql) -> Result<bool> { return machine_token_store::Delete(sql, token_id); });
}

Status TokenService::RevokeMachineTokensOf(const std::string& client_id) {
  auto ids =
      db_.Run<std::vector<std::string>>([&](Connection& sql) -> Result<std::vector<std::string>> {
        return machine_token_store::IdsOfClient(sql, client_id);
      });
  if (!ids) return ids.error();
  for (const std::string& id : *ids) {
    if (auto revoked = RevokeMachineToken(id); !revoked) return revoked.error();
  }
  return Ok{};
}

Result<std::optional<SessionRecord>> TokenService::LoadSession(const std::string& session_id) {
  return db_.Run<std::optional<SessionRecord>>(
      [&](Connection& sql) -> Result<std::optional<SessionRecord>> {
        return session_store::Find(sql, session_id);
      });
}

Result<TokenPair> TokenService::Refresh(std::string_view refresh_token, const ClientInfo& client,
                                        TokenAudience whose, std::string_view client_id) {
  std::int64_t now = clock_.NowSeconds();
  auto claims =
      VerifyJwt(refresh_token, [this](std::string_view kid) { return keys_.FindOrReload(kid); },
                {AlgorithmOf(whose), kRefreshTokenType, config_.issuer, config_.audience, now,
                 config_.leeway_seconds, whose});
  if (!claims) return claims.error();
  if (claims->client_id != client_id) return MakeError(Errc::kInvalidToken, "another client's");

  auto loaded = LoadSession(claims->session_id);
  if (!loaded) return loaded.error();
  std::optional<SessionRecord> session = std::move(*loaded);
  if (!session || session->user_id != claims->subject || session->client_id != client_id ||
      session->refresh_expires_at <= now) {
    return MakeError(Errc::kTokenRevoked, "session revoked or expired");
  }

  if (session->refresh_jti == claims->jwt_id) {
    session_store::Rotation rotation;
    rotation.session_id = session->id;
    rotation.expected_refresh_jti = claims->jwt_id;
    rotation.new_access_jti = RandomToken(16);
    rotation.new_refresh_jti = RandomToken(16);
    rotation.access_expires_at = CappedExpiry(*session, now, AccessTtl(*session));
    rotation.refresh_expires_at = CappedExpiry(*session, now, RefreshTtl(*session));
    rotation.now = now;
    rotation.user_agent = client.user_agent;
    rotation.ip_address = client.ip_address;
    // The old pair leaves the whitelist first: if the cache cannot be reached the refresh is
    // refused (503) rather than leave a rotated token whitelisted.
    if (Status withdrawn = RemoveFromCache({session->access_jti, session->refresh_jti});
        !withdrawn) {
      return withdrawn.error();
    }
    // The compare-and-set happens in the database: of N concurrent refreshes with this token
    // exactly one updates the row.
    auto won = db_.Write<bool>(
        [&](Connection& sql) -> Result<bool> { return session_store::Rotate(sql, rotation); });
    if (!won) return won.error();
    if (*won) {
      SessionRecord next = *session;
      next.previous_refresh_jti = session->refresh_jti;
      next.rotated_at = now;
      next.access_jti = rotation.new_access_jti;
      next.refresh_jti = rotation.new_refresh_jti;
      next.access_expires_at = rotation.access_expires_at;
      next.refresh_expires_at = rotation.refresh_expires_at;
      next.last_active = now;
      next.last_user_agent = client.user_agent;
      next.last_ip_address = client.ip_address;
      Publish(next);
      ++GlobalMetrics().refreshes;
      return Sign(next, now, now);
    }
    // Another request rotated this token first: judge this one against the new state.
    loaded = LoadSession(claims->session_id);
    if (!loaded) return loaded.error();
    session = std::move(*loaded);
    if (!session) return MakeError(Errc::kTokenRevoked, "session revoked");
  }

  bool inside_grace = config_.refresh_reuse_grace_seconds > 0 &&
                      session->previous_refresh_jti == claims->jwt_id && session->rotated_at &&
                      now - *session->rotated_at <= config_.refresh_reuse_grace_seconds;
  if (inside_grace) {
    // The client lost the answer to its refresh (or raced itself): hand back the current pair.
    return Sign(*session, *session->rotated_at, now);
  }
  return RevokeForReuse(*claims, client);
}

Result<TokenClaims> TokenService::VerifyAccessToken(std::string_view access_token, std::int64_t now,
                                                    TokenAudience whose) {
  std::optional<TokenClaims> seen = verified_.Find(access_token);
  if (seen && seen->expires_at + config_.leeway_seconds <= now) {
    return MakeError(Errc::kInvalidToken, "expired");
  }
  // Remembered whoever asked: a client's token is no Gatehouse token, nor the reverse.
  if (seen && seen->client_id.empty() != (whose == TokenAudience::kGatehouse)) {
    return MakeError(Errc::kInvalidToken, "wrong audience");
  }
  if (seen) return *seen;
  Result<TokenClaims> claims =
      VerifyJwt(access_token, [this](std::string_view kid) { return keys_.FindOrReload(kid); },
                {AlgorithmOf(whose), kAccessTokenType, config_.issuer, config_.audience, now,
                 config_.leeway_seconds, whose});
  if (claims) verified_.Remember(access_token, *claims);
  return claims;
}

Result<AccessContext> TokenService::Authenticate(std::string_view access_token,
                                                 TokenAudience whose) {
  std::int64_t now = clock_.NowSeconds();
  Result<TokenClaims> claims = VerifyAccessToken(access_token, now, whose);
  if (!claims) return claims.error();
  AccessContext context = ContextOf(*claims);

  auto cached = cache_.Get(claims->jwt_id);
  if (cached && cached->has_value() &&
      WhitelistEntryMatches(**cached, "access", claims->session_id, claims->subject)) {
    return context;
  }

  // Not whitelisted in the cache: the database decides (the cache may have been emptied).
  if (claims->client_id == claims->subject) {
    // A machine token: its row, not a session.
    auto client = db_.Run<std::optional<std::string>>(
        [&](Connection& sql) -> Result<std::optional<std::string>> {
          return machine_token_store::LiveClientOf(sql, claims->jwt_id, now);
        });
    if (!client) return client.error();
    if (*client != claims->client_id) return SessionRevokedOrExpired();
    (void)cache_.Set(claims->jwt_id,
                     WhitelistEntry("access", claims->session_id, claims->subject, ""),
                     TtlUntil(claims->expires_at, now));
    return context;
  }
  auto loaded = LoadSession(claims->session_id);
  if (!loaded) return loaded.error();
  const auto& session = *loaded;
  if (!session || session->user_id != claims->subject || session->client_id != claims->client_id ||
      session->refresh_expires_at <= now) {
    return MakeError(Errc::kTokenRevoked, "session revoked or expired");
  }
  if (session->access_jti == claims->jwt_id) {
    Publish(*session);  // refill the cache
    return context;
  }
  return RevokeForReuse(*claims, {});
}

bool TokenService::AuthenticateIfWhitelisted(std::string_view access_token,
                                             std::function<void(std::optional<AccessContext>)> done,
                                             TokenAudience whose) {
  Result<TokenClaims> claims = VerifyAccessToken(access_token, clock_.NowSeconds(), whose);
  if (!claims) {
    done(std::nullopt);
    return true;
  }
  return cache_.GetAsync(claims->jwt_id, [context = ContextOf(*claims), done = std::move(done)](
                                             Result<std::optional<std::string>> entry) mutable {
    bool listed = entry && entry->has_value() &&
                  WhitelistEntryMatches(**entry, "access", context.session_id, context.user_id);
    done(listed ? std::optional<AccessContext>(std::move(context)) : std::nullopt);
  });
}

Result<AuthenticatedAccount> TokenService::AuthenticateWithAccount(std::string_view access_token) {
  std::int64_t now = clock_.NowSeconds();
  Result<TokenClaims> claims = VerifyAccessToken(access_token, now, TokenAudience::kGatehouse);
  if (!claims) return claims.error();
  auto found = db_.Run<std::optional<SessionOwner>>(
      [&](Connection& sql) -> Result<std::optional<SessionOwner>> {
        return user_store::FindBySession(sql, claims->session_id);
      });
  if (!found) return found.error();
  std::optional<SessionOwner>& owner = *found;
  switch (Judge(owner, *claims, now)) {
    case RowVerdict::kRevoked: return SessionRevokedOrExpired();
    case RowVerdict::kRotated: return RevokeForReuse(*claims, {});
    case RowVerdict::kCurrent: break;
  }
  return AuthenticatedAccount{ContextOf(*claims), std::move(owner->user)};
}

bool TokenService::AuthenticateWithAccountAsync(
    std::string_view access_token,
    std::function<void(std::optional<Result<AuthenticatedAccount>>)> done) {
  std::int64_t now = clock_.NowSeconds();
  Result<TokenClaims> claims = VerifyAccessToken(access_token, now, TokenAudience::kGatehouse);
  if (!claims) {
    done(Result<AuthenticatedAccount>(claims.error()));
    return true;
  }
  return db_.QueryAsync(
      user_store::kFindBySessionName, user_store::FindBySessionPostgres(), {claims->session_id},
      [claims = *claims, now, done = std::move(done)](Result<std::vector<PgRow>> rows) {
        auto owner = rows ? user_store::SessionOwnerFromRows(*rows)
                          : Result<std::optional<SessionOwner>>(rows.error());
        if (!owner) return done(std::nullopt);  // the synchronous path reports it
        switch (Judge(*owner, claims, now)) {
          case RowVerdict::kRevoked:
            return done(Result<AuthenticatedAccount>(SessionRevokedOrExpired()));
          case RowVerdict::kRotated: return done(std::nullopt);  // revoking writes: a worker's job
          case RowVerdict::kCurrent: break;
        }
        done(Result<AuthenticatedAccount>(
            AuthenticatedAccount{ContextOf(claims), std::move((*owner)->user)}));
      });
}

std::optional<TokenClaims> TokenService::VerifyClientToken(std::string_view token) {
  std::int64_t now = clock_.NowSeconds();
  for (std::string_view type : {kAccessTokenType, kRefreshTokenType}) {
    auto claims =
        VerifyJwt(token, [this](std::string_view kid) { return keys_.FindOrReload(kid); },
                  {AlgorithmOf(TokenAudience::kClient), type, config_.issuer, config_.audience, now,
                   config_.leeway_seconds, TokenAudience::kClient});
    if (claims) return *claims;
  }
  return std::nullopt;
}

Error TokenService::RevokeForReuse(const TokenClaims& claims, const ClientInfo& client) {
  ++GlobalMetrics().reuse_detected;
  spdlog::warn("token reuse detected: session {} revoked (rotated token {}… presented)",
               claims.session_id, claims.jwt_id.substr(0, 6));
  auto revoked = RevokeSession(claims.session_id);
  if (!revoked) return revoked.error();
  if (*revoked && reuse_detected_) reuse_detected_(claims, client);
  return MakeError(Errc::kTokenReused, "a rotated token was presented; session revoked");
}

Result<bool> TokenService::RevokeSession(const std::string& session_id) {
  auto loaded = LoadSession(session_id);
  if (!loaded) return loaded.error();
  if (!*loaded) return false;
  // Cache first, then the database: if the cache cannot be reached nothing changes and the
  // caller gets 503, instead of a deleted session whose tokens stay whitelisted.
  if (Status withdrawn = Unpublish(**loaded); !withdrawn) return withdrawn.error();
  auto deleted = db_.Write<bool>(
      [&](Connection& sql) -> Result<bool> { return session_store::Delete(sql, session_id); });
  // And once more after: a Publish of this session racing us may have written the cache
  // between the first removal and the delete, and checked the database before the delete
  // (seen in CI: a grant made while its sign-in session ended stayed whitelisted). A Publish
  // writing after this removal checks the database after the delete, and withdraws itself.
  if (deleted) (void)Unpublish(**loaded);  // failures are logged
  if (!deleted || (*loaded)->is_grant()) return deleted;
  if (*deleted && session_ended_) session_ended_(**loaded);
  // The grants made in a sign-in session end with it, but for offline ones (OpenID Connect
  // Back-Channel Logout 1.0 §2.7).
  auto grants = db_.Run<std::vector<SessionRecord>>(
      [&](Connection& sql) -> Result<std::vector<SessionRecord>> {
        return session_store::GrantsMadeIn(sql, session_id, clock_.NowSeconds());
      });
  if (!grants) return grants.error();
  for (const SessionRecord& grant : *grants) {
    if (grant.remember_me) continue;
    if (auto revoked = RevokeSession(grant.id); !revoked) return revoked.error();
  }
  return deleted;
}

Result<int> TokenService::RevokeUserSessions(const std::string& user_id,
                                             const std::string& keep_session_id) {
  auto ids =
      db_.Run<std::vector<std::string>>([&](Connection& sql) -> Result<std::vector<std::string>> {
        std::vector<std::string> kept{keep_session_id};
        if (!keep_session_id.empty()) {
          for (const auto& grant :
               session_store::GrantsMadeIn(sql, keep_session_id, clock_.NowSeconds())) {
            kept.push_back(grant.id);
          }
        }
        std::vector<std::string> ids;
        for (auto& id : session_store::IdsOfUser(sql, user_id)) {
          if (std::find(kept.begin(), kept.end(), id) == kept.end()) ids.push_back(std::move(id));
        }
        return ids;
      });
  if (!ids) return ids.error();
  int revoked = 0;
  for (const std::string& id : *ids) {
    auto done = RevokeSession(id);
    if (!done) return done.error();
    revoked += *done ? 1 : 0;
  }
  return revoked;
}

void TokenService::Publish(const SessionRecord& s) {
  WriteToCache(s);
  // A revocation may have deleted the session between our database write and the cache
  // writes; if so, withdraw them so a revoked session never stays whitelisted.
  auto current = db_.Run<std::optional<std::string>>(
      [&](Connection& sql) -> Result<std::optional<std::string>> {
        return session_store::CurrentAccessJti(sql, s.id);
      });
  if (current && *current != s.access_jti) {
    (void)RemoveFromCache({s.access_jti, s.refresh_jti});  // failures are logged
    if (!*current) (void)RemoveFromCache({SessionKey(s.user_id, s.id)});
  }
}

void TokenService::WriteToCache(const SessionRecord& s) {
  std::int64_t now = clock_.NowSeconds();
  const std::string access = WhitelistEntry("access", s.id, s.user_id, s.refresh_jti);
  const std::string refresh = WhitelistEntry("refresh", s.id, s.user_id, s.access_jti);
  const std::string session_key = SessionKey(s.user_id, s.id);
  const std::string session_info = SessionInfoValue(s);
  const Cache::Entry entries[] = {
      {s.access_jti, access, TtlUntil(s.access_expires_at, now)},
      {s.refresh_jti, refresh, TtlUntil(s.refresh_expires_at, now)},
      {session_key, session_info, TtlUntil(s.refresh_expires_at, now)},
  };
  if (Status written = cache_.SetMany(entries); !written) {
    spdlog::warn("cache write failed: {}", written.error().reason);
  }
}

Status TokenService::Unpublish(const SessionRecord& s) {
  return RemoveFromCache({s.access_jti, s.refresh_jti, SessionKey(s.user_id, s.id)});
}

Status TokenService::RemoveFromCache(std::initializer_list<std::string> keys) {
  std::vector<std::string_view> views(keys.begin(), keys.end());
  if (Status removed = cache_.RemoveMany(views); !removed) {
    spdlog::error("cache delete failed for a token being revoked: {}", removed.error().reason);
    return removed;
  }
  return Ok{};
}

}  // namespace gatehouse
