#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/key_ring.hpp"
#include "auth/token_service.hpp"
#include "cache/cache.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "oidc/authorization_request.hpp"
#include "oidc/client_registry.hpp"
#include "store/database.hpp"

namespace gatehouse {

// An authorization request kept across sign-in and consent.
struct HeldRequest {
  std::string id;
  AuthorizationRequest request;
  std::int64_t first_seen = 0;  // prompt=login needs a sign-in after this
};

// The person's sign-in session at Gatehouse (the pages' cookies).
struct SignInSession {
  std::string session_id;
  std::string user_id;
  std::int64_t auth_time = 0;
  std::vector<std::string> amr;
};

// What must happen before a code can be issued.
enum class AuthorizationStep { kSignIn, kConsent, kIssueCode };

// The token endpoint's answer (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
struct TokenResponse {
  std::string access_token;
  std::int64_t expires_in = 0;
  std::string refresh_token;  // offline grants only
  std::string id_token;
  std::string scope;
};

// An app the user signed in to with Gatehouse: a live grant or a remembered consent.
struct ConnectedApp {
  std::string client_id;
  std::string name;
  std::string scope;       // what it may see
  std::int64_t since = 0;  // the newest grant or consent
};

// The OpenID Connect authorization code flow on top of the token engine: authorization
// requests, consent, codes (single use, 60 s, PKCE S256), their exchange for a grant, and the
// grant's refresh. Thread-safe.
class AuthorizationService {
 public:
  AuthorizationService(Database& db, Cache& cache, ClientRegistry& clients, TokenService& tokens,
                       KeyRing& keys, const Config& config, const Clock& clock);

  // Checks a GET /oauth2/authorize query (see ParseAuthorizationRequest); offline_access is
  // dropped for a client without the refresh_token grant.
  Result<std::variant<AuthorizationRequest, AuthorizationRefusal>> Parse(std::string_view query);

  // Keeps the request for 15 minutes, while the person signs in or decides; returns its id
  // (for /oauth2/authorize/continue?request=…).
  Result<std::string> Hold(std::string_view query);
  // The held request, checked again (the client may have changed meanwhile); nullopt when
  // the id is unknown or expired, a refusal when it no longer passes.
  Result<std::optional<std::variant<HeldRequest, AuthorizationRefusal>>> Resume(
      std::string_view id);

  // The person's sign-in session of `session_id`, for auth_time; nullopt when it is gone.
  Result<std::optional<SignInSession>> SignInSessionOf(const std::string& session_id);

  // What comes next for `request` given the person's sign-in session (nullopt: not signed
  // in). `held_since` is when the request was held for a sign-in (nullopt: it just came in,
  // and prompt=login needs a sign-in whatever the session). prompt=none turns a needed step
  // into a refusal (login_required, consent_required).
  Result<std::variant<AuthorizationStep, AuthorizationRefusal>> NextStep(
      const AuthorizationRequest& request, std::optional<std::int64_t> held_since,
      const std::optional<SignInSession>& session);

  // Remembers that the user allowed the client these scopes.
  Status RecordConsent(const std::string& user_id, const std::string& client_id,
                       const std::string& scope);

  // The user's connected apps (account center), most recent first.
  Result<std::vector<ConnectedApp>> ConnectedApps(const std::string& user_id);
  // Ends every grant of the user to the client and forgets the consent, so the next sign-in
  // asks again. kNotFound when the app was not connected.
  Status Disconnect(const std::string& user_id, const std::string& client_id);

  // Issues a code and returns the redirect that carries it (code, state, iss).
  Result<std::string> IssueCode(const AuthorizationRequest& request, const SignInSession& session);
  // The redirect that carries a refusal (error, error_description, state, iss).
  std::string RefusalRedirect(const AuthorizationRefusal& refusal) const;

  // grant_type=authorization_code. kInvalidGrant for an unknown, expired, used, another
  // client's or another redirect URI's code, or a wrong PKCE verifier; a code used twice also
  // revokes the grant its first use made.
  Result<TokenResponse> ExchangeCode(const OAuthClientRecord& client, std::string_view code,
                                     std::string_view redirect_uri, std::string_view code_verifier,
                                     const ClientInfo& from);
  // grant_type=refresh_token: the same rotation and reuse detection as /v1/auth/refresh, for
  // the client's own grants only. `scope`, when given, may not widen the grant.
  Result<TokenResponse> RefreshGrant(const OAuthClientRecord& client,
                                     std::string_view refresh_token, std::string_view scope,
                                     const ClientInfo& from);

  // The claims of the user that `scope` (space-separated) releases: sub always, name with
  // profile, email and email_verified with email.
  static nlohmann::json UserClaims(const UserRecord& user, std::string_view scope);

 private:
  std::string IdToken(const OAuthClientRecord& client, const UserRecord& user,
                      const SessionRecord& grant, std::string_view nonce) const;

  Database& db_;
  Cache& cache_;
  ClientRegistry& clients_;
  TokenService& tokens_;
  KeyRing& keys_;
  const Config& config_;
  const Clock& clock_;
};

}  // namespace gatehouse
