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
#include "store/connection.hpp"
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
  std::int64_t expires_at = 0;
  std::string client_id;  // a client's token (a grant); empty for Gatehouse's own
  std::string scope;      // a client's token: the scopes granted
  // Where the request that presented the token came from: set by the HTTP layer
  // (api/handler_support, ui/page_support) for the security log; empty from TokenService.
  ClientInfo client;
};

// A grant to an OpenID Connect client, made in a sign-in session.
struct GrantRequest {
  std::string grant_id;  // the grant's session id, chosen up front (the code names it)
  std::string user_id;
  std::string client_id;
  std::string scope;
  std::string parent_session_id;
  std::int64_t auth_time = 0;
  std::vector<std::string> amr;
  bool offline = false;  // offline_access: a refresh token, which outlives the sign-in session
};

// kAccountDisabled: an administrator disabled the account; no sign-in makes a session for it.
Error AccountDisabled();

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
  // `with`, when given, runs first in the same transaction (a passkey's counter): its error
  // is returned as is, and no session is made.
  Result<TokenPair> StartSession(const UserRecord& user, bool remember_me,
                                 const std::vector<std::string>& amr, const ClientInfo& client,
                                 const std::function<Status(Connection&)>& with = {});

  // Creates a grant to a client: `claim`, run in the same transaction, says which (it
  // consumes the authorization code, so a second use of the code finds the grant to revoke);
  // its error is returned as is. Returns the grant's tokens: the access token, and the refresh
  // token when the grant is offline. A grant's lifetimes: the access token's
  // tokens.access_ttl_seconds; an offline grant's refresh token
  // tokens.remember_refresh_ttl_seconds, rotated as any other. It ends with its sign-in
  // session unless it is offline, and always with a password reset.
  Result<TokenPair> StartGrant(const std::function<Result<GrantRequest>(Connection&)>& claim,
                               const ClientInfo& client);

  // An access token for a machine client (grant_type=client_credentials): no user and no
  // session — `sub` is the client, `sid` and `jti` the token's own id — whitelisted like any
  // other, live tokens.access_ttl_seconds, and never refreshed.
  Result<TokenPair> IssueMachineToken(const std::string& client_id);
  // Revokes a machine token (its id, the token's sid); false when it was not live.
  Result<bool> RevokeMachineToken(const std::string& token_id);
  // Revokes every machine token of the client, before the client goes.
  Status RevokeMachineTokensOf(const std::string& client_id);

  // Rotates: the presented refresh token and its sibling access token are revoked and a new
  // pair returned. A token already rotated away revokes the whole session (kTokenReused),
  // except the immediate predecessor inside the configured grace window, which gets the
  // current pair. A client's refresh token (`whose` kClient) must be `client_id`'s: another
  // client's is kInvalidToken.
  Result<TokenPair> Refresh(std::string_view refresh_token, const ClientInfo& client,
                            TokenAudience whose = TokenAudience::kGatehouse,
                            std::string_view client_id = {});

  // Checks an access token: signature and claims, then the whitelist (then the database on a
  // cache miss). Presenting a rotated access token revokes the session (kTokenReused).
  // Gatehouse's own tokens unless `whose` is kClient (a grant's, for UserInfo and
  // introspection).
  Result<AccessContext> Authenticate(std::string_view access_token,
                                     TokenAudience whose = TokenAudience::kGatehouse);

  // The fast path of Authenticate without blocking: verifies the token and asks the cache's
  // whitelist asynchronously (Cache::GetAsync). `done` gets the caller when the whitelist has
  // the token, or nothing — an invalid token, a miss, a cache error — and then Authenticate
  // must decide (it may block: the database). False, and `done` never called, when the cache
  // cannot answer asynchronously.
  bool AuthenticateIfWhitelisted(std::string_view access_token,
                                 std::function<void(std::optional<AccessContext>)> done,
                                 TokenAudience whose = TokenAudience::kGatehouse);

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

  // Called after a sign-in session (not a grant) was revoked — signed out, ended from the
  // sessions list, by reuse detection, by a password change or reset — with its last state;
  // OpenID Connect back-channel logout listens. Set once, before serving.
  void OnSignInSessionEnded(std::function<void(const SessionRecord&)> listener) {
    session_ended_ = std::move(listener);
  }
  // Called as a sign-in session is made (StartSession), for its user, in the transaction that
  // inserts it: what a listener writes, or queues with Connection::AfterCommit, happens only if
  // the session is stored. Listeners are called in the order they were added, before serving.
  void OnSignInSessionStarting(
      std::function<void(Connection&, const UserRecord&, const SessionRecord&)> listener) {
    session_starting_.push_back(std::move(listener));
  }
  // Called when a rotated token came back and its session was revoked (reuse detection), with
  // the token's claims and where it came from (empty for an access token). Set once, before
  // serving.
  void OnReuseDetected(std::function<void(const TokenClaims&, const ClientInfo&)> listener) {
    reuse_detected_ = std::move(listener);
  }

  // The claims of a client's token, access or refresh, when its signature, issuer, audience
  // and expiry hold (not whether it is still whitelisted): what revocation needs to find the
  // grant.
  std::optional<TokenClaims> VerifyClientToken(std::string_view token);

  // Revokes one session: both whitelisted tokens and the session cache entry, then the
  // database row; a sign-in session also takes the grants made in it that are not offline.
  // True when the session existed; kUnavailable (nothing changed) when the cache cannot be
  // reached.
  Result<bool> RevokeSession(const std::string& session_id);

  // Revokes every session of the user, grants included, but `keep_session_id` (empty: all of
  // them) and the grants made in it, as RevokeSession does. Returns how many were revoked;
  // kUnavailable when the cache cannot be reached (sessions revoked before that stay
  // revoked).
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
  // Whitelists the session's current pair and its SessionInfo (failures are logged).
  void WriteToCache(const SessionRecord& session);
  // Removes the session's pair and SessionInfo from the cache; kUnavailable if it cannot.
  Status Unpublish(const SessionRecord& session);
  Status RemoveFromCache(std::initializer_list<std::string> keys);
  Result<std::optional<SessionRecord>> LoadSession(const std::string& session_id);
  // Signature and claims of an access token (remembered for tokens seen before).
  Result<TokenClaims> VerifyAccessToken(std::string_view access_token, std::int64_t now,
                                        TokenAudience whose);
  // The algorithm of a session's tokens: the configured one, but a client's tokens are always
  // signed with a published key (EdDSA when the configured algorithm is HS256).
  JwsAlgorithm AlgorithmOf(TokenAudience whose) const;
  // A session's token lifetimes (remember-me, or a grant's; see StartGrant).
  std::int64_t AccessTtl(const SessionRecord& session) const;
  std::int64_t RefreshTtl(const SessionRecord& session) const;
  Error RevokeForReuse(const TokenClaims& claims, const ClientInfo& client);

  Database& db_;
  Cache& cache_;
  const SessionConfig& sessions_;
  KeyRing& keys_;
  const TokenConfig& config_;
  const Clock& clock_;
  VerifiedTokenCache verified_;
  std::function<void(const SessionRecord&)> session_ended_;
  std::vector<std::function<void(Connection&, const UserRecord&, const SessionRecord&)>>
      session_starting_;
  std::function<void(const TokenClaims&, const ClientInfo&)> reuse_detected_;
};

}  // namespace gatehouse
