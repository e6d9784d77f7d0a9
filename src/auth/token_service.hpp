#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/key_ring.hpp"
#include "auth/verified_token_cache.hpp"
#include "cache/cache.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "crypto/jwt.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace gatehouse {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;          // seconds until the access token expires
  std::int64_t refresh_expires_in = 0;  // seconds until the refresh token expires
  std::string session_id;
};

// Where a request came from, recorded on the session.
struct ClientInfo {
  std::string ip_address;
  std::string user_agent;
};

// Who an access token authenticates.
struct AccessContext {
  std::string user_id;
  std::string session_id;
  std::string jti;
  std::string role;
  std::vector<std::string> amr;
  std::int64_t issued_at = 0;  // of the access token: login or refresh wrote activity then
};

// An access token's caller and their account, read together.
struct AuthenticatedAccount {
  AccessContext access;
  UserRecord account;
};

// Issues, checks, rotates and revokes tokens, following docs/api.md's revocation model:
// sessions live in the database and the cache (`{user_id}{session_id}`), every live token is
// whitelisted in the cache under its jti, and the database is the source of truth when the
// cache misses. Thread-safe.
class TokenService {
 public:
  TokenService(Database& db, Cache& cache, KeyRing& keys, const TokenConfig& config,
               const SessionConfig& sessions, const Clock& clock);

  // Creates a session for `user` and returns its first token pair.
  Result<TokenPair> StartSession(const UserRecord& user, bool remember_me,
                                 const std::vector<std::string>& amr, const ClientInfo& client);

  // Rotates: the presented refresh token and its sibling access token are revoked and a new
  // pair returned. A token already rotated away revokes the whole session (kTokenReused),
  // except the immediate predecessor inside the configured grace window, which gets the
  // current pair.
  Result<TokenPair> Refresh(std::string_view refresh_token, const ClientInfo& client);

  // Checks an access token: signature and claims, then the whitelist (then the database on a
  // cache miss). Presenting a rotated access token revokes the session (kTokenReused).
  Result<AccessContext> Authenticate(std::string_view access_token);

  // The fast path of Authenticate without blocking: verifies the token and asks the cache's
  // whitelist asynchronously (Cache::GetAsync). `done` gets the caller when the whitelist has
  // the token, or nothing — an invalid token, a miss, a cache error — and then Authenticate
  // must decide (it may block: the database). False, and `done` never called, when the cache
  // cannot answer asynchronously.
  bool AuthenticateIfWhitelisted(std::string_view access_token,
                                 std::function<void(std::optional<AccessContext>)> done);

  // Checks an access token as Authenticate does, but against the session row (the source of
  // truth the cache mirrors) in the same query that reads its owner's account: for callers
  // that need the account anyway, one round trip instead of the cache's and then the
  // database's. The same answers: kTokenRevoked, kTokenReused (the session revoked).
  Result<AuthenticatedAccount> AuthenticateWithAccount(std::string_view access_token);
  // AuthenticateWithAccount without blocking, where the database answers asynchronously
  // (Database::QueryAsync, PostgreSQL): `done` gets the caller and account, or an answer that
  // needs no further work (an invalid token, a revoked session), or nothing — a rotated token
  // (revoking it writes), a database error — and then AuthenticateWithAccount must decide.
  // False, and `done` never called, when the database cannot answer so.
  bool AuthenticateWithAccountAsync(
      std::string_view access_token,
      std::function<void(std::optional<Result<AuthenticatedAccount>>)> done);

  // Revokes one session: both whitelisted tokens and the session cache entry, then the
  // database row. True when the session existed; kUnavailable (nothing changed) when the
  // cache cannot be reached.
  Result<bool> RevokeSession(const std::string& session_id);

  // Revokes every session of the user but `keep_session_id` (empty: all of them), as
  // RevokeSession does. Returns how many were revoked; kUnavailable when the cache cannot be
  // reached (sessions revoked before that stay revoked).
  Result<int> RevokeUserSessions(const std::string& user_id, const std::string& keep_session_id);

 private:
  // Signs the session's current pair (with its owner's role), issued at `issued_at`;
  // lifetimes counted from `now`.
  TokenPair Sign(const SessionRecord& session, std::int64_t issued_at, std::int64_t now) const;
  // now + `lifetime`, but never past the session's absolute end (login + the configured cap).
  std::int64_t CappedExpiry(const SessionRecord& session, std::int64_t now,
                            std::int64_t lifetime) const;
  // Whitelists the session's current pair and its SessionInfo; then re-reads the session and
  // withdraws the entries if it was revoked meanwhile (closes the race with a revocation).
  void Publish(const SessionRecord& session);
  // Removes the session's pair and SessionInfo from the cache; kUnavailable if it cannot.
  Status Unpublish(const SessionRecord& session);
  Status RemoveFromCache(std::initializer_list<std::string> keys);
  Result<std::optional<SessionRecord>> LoadSession(const std::string& session_id);
  // Signature and claims of an access token (remembered for tokens seen before).
  Result<TokenClaims> VerifyAccessToken(std::string_view access_token, std::int64_t now);
  Error RevokeForReuse(const std::string& session_id, std::string_view jti);

  Database& db_;
  Cache& cache_;
  const SessionConfig& sessions_;
  KeyRing& keys_;
  const TokenConfig& config_;
  const Clock& clock_;
  VerifiedTokenCache verified_;
};

}  // namespace gatehouse
