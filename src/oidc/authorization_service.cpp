#include "oidc/authorization_service.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/comma_list.hpp"
#include "crypto/jwt.hpp"
#include "crypto/random.hpp"
#include "oidc/scopes.hpp"
#include "store/authorization_code_store.hpp"
#include "store/client_store.hpp"
#include "store/consent_store.hpp"
#include "store/oidc_login_store.hpp"
#include "store/session_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

using nlohmann::json;

constexpr std::int64_t kCodeSeconds = 60;          // RFC 6749 §4.1.2: at most 10 minutes
constexpr std::int64_t kHeldRequestSeconds = 900;  // time to sign in and decide
constexpr std::size_t kCodeBytes = 32;
constexpr std::size_t kHeldRequestBytes = 16;

std::string HeldKey(std::string_view id) { return "authz:" + std::string(id); }

Error InvalidGrant(std::string reason) {
  return MakeError(Errc::kInvalidGrant, std::move(reason),
                   "The authorization code is invalid, used, expired or not this client's.");
}

// RFC 7636 §4.1: 43 to 128 of ALPHA / DIGIT / "-" / "." / "_" / "~".
bool IsCodeVerifier(std::string_view verifier) {
  return verifier.size() >= 43 && verifier.size() <= 128 &&
         std::all_of(verifier.begin(), verifier.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
         });
}

// RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, in constant time.
bool VerifierMatches(std::string_view verifier, std::string_view challenge) {
  return ConstantTimeEquals(Base64UrlEncode(Sha256(verifier)), challenge);
}

}  // namespace

AuthorizationService::AuthorizationService(Database& db, Cache& cache, ClientRegistry& clients,
                                           TokenService& tokens, KeyRing& keys,
                                           const Config& config, const Clock& clock)
    : db_(db),
      cache_(cache),
      clients_(clients),
      tokens_(tokens),
      keys_(keys),
      config_(config),
      clock_(clock) {}

Result<std::variant<AuthorizationRequest, AuthorizationRefusal>> AuthorizationService::Parse(
    std::string_view query) {
  auto parsed = ParseAuthorizationRequest(
      query, [this](std::string_view client_id) { return clients_.Lookup(client_id); });
  if (!parsed) return parsed;
  if (auto* request = std::get_if<AuthorizationRequest>(&*parsed);
      request && !HasGrant(request->client, kGrantRefreshToken)) {
    std::vector<std::string> scopes = GrantableScopes(request->scope);
    std::erase(scopes, "offline_access");
    request->scope = JoinScopes(scopes);
  }
  return parsed;
}

Result<std::string> AuthorizationService::Hold(std::string_view query) {
  std::string id = RandomToken(kHeldRequestBytes);
  json held = {{"query", query}, {"first_seen", clock_.NowSeconds()}};
  if (Status stored =
          cache_.Set(HeldKey(id), held.dump(), std::chrono::seconds(kHeldRequestSeconds));
      !stored) {
    return stored.error();
  }
  return id;
}

Result<std::optional<std::variant<HeldRequest, AuthorizationRefusal>>> AuthorizationService::Resume(
    std::string_view id) {
  using Answer = std::optional<std::variant<HeldRequest, AuthorizationRefusal>>;
  if (id.empty() || id.size() > 64) return Answer();
  auto stored = cache_.Get(HeldKey(id));
  if (!stored) return stored.error();
  if (!*stored) return Answer();
  json held = json::parse(**stored, nullptr, false);
  if (!held.is_object() || !held["query"].is_string() || !held["first_seen"].is_number()) {
    return Answer();
  }
  auto parsed = Parse(held["query"].get<std::string>());
  if (!parsed) return parsed.error();
  if (auto* refusal = std::get_if<AuthorizationRefusal>(&*parsed)) return Answer(*refusal);
  return Answer(HeldRequest{std::string(id), std::get<AuthorizationRequest>(std::move(*parsed)),
                            held["first_seen"].get<std::int64_t>()});
}

Result<std::optional<SignInSession>> AuthorizationService::SignInSessionOf(
    const std::string& session_id) {
  return db_.Run<std::optional<SignInSession>>(
      [&](Connection& sql) -> Result<std::optional<SignInSession>> {
        auto session = session_store::Find(sql, session_id);
        if (!session || session->is_grant() || session->refresh_expires_at <= clock_.NowSeconds()) {
          return std::optional<SignInSession>();
        }
        return std::optional<SignInSession>(SignInSession{
            session->id, session->user_id, session->login_time, SplitCommas(session->amr)});
      });
}

Result<std::variant<AuthorizationStep, AuthorizationRefusal>> AuthorizationService::NextStep(
    const AuthorizationRequest& request, std::optional<std::int64_t> held_since,
    const std::optional<SignInSession>& session) {
  using Answer = std::variant<AuthorizationStep, AuthorizationRefusal>;
  auto unless_none = [&](AuthorizationStep step, const char* error,
                         const char* description) -> Answer {
    if (!request.prompt_none) return step;
    return AuthorizationRefusal{error, description, request.redirect_uri, request.state};
  };
  std::int64_t now = clock_.NowSeconds();
  if (!session) {
    return unless_none(AuthorizationStep::kSignIn, "login_required", "The user is not signed in.");
  }
  if (request.prompt_login && (!held_since || session->auth_time < *held_since)) {
    return Answer(AuthorizationStep::kSignIn);
  }
  if (request.max_age && now - session->auth_time > *request.max_age) {
    return unless_none(AuthorizationStep::kSignIn, "login_required",
                       "The user signed in longer ago than max_age allows.");
  }
  // The operator's own apps need no consent, unless the app itself asks for the page.
  if (request.client.first_party && !request.prompt_consent) {
    return Answer(AuthorizationStep::kIssueCode);
  }
  auto allowed = db_.Run<std::optional<std::string>>(
      [&](Connection& sql) -> Result<std::optional<std::string>> {
        return consent_store::Find(sql, session->user_id, request.client.id);
      });
  if (!allowed) return allowed.error();
  if (request.prompt_consent || !*allowed || !ScopesCover(**allowed, request.scope)) {
    return unless_none(AuthorizationStep::kConsent, "consent_required",
                       "The user has not allowed this client these scopes.");
  }
  return Answer(AuthorizationStep::kIssueCode);
}

Status AuthorizationService::RecordConsent(const std::string& user_id, const std::string& client_id,
                                           const std::string& scope) {
  auto stored = db_.Write<Ok>([&](Connection& sql) -> Status {
    consent_store::Upsert(sql, user_id, client_id, scope, clock_.NowSeconds());
    return Ok{};
  });
  if (!stored) return stored.error();
  return Ok{};
}

Result<std::vector<ConnectedApp>> AuthorizationService::ConnectedApps(const std::string& user_id) {
  return db_.Run<std::vector<ConnectedApp>>(
      [&](Connection& sql) -> Result<std::vector<ConnectedApp>> {
        std::vector<ConnectedApp> apps;
        auto add = [&](const std::string& client_id, const std::string& scope, std::int64_t since) {
          auto it = std::find_if(apps.begin(), apps.end(),
                                 [&](const ConnectedApp& a) { return a.client_id == client_id; });
          if (it == apps.end()) {
            auto client = client_store::Find(sql, client_id);
            if (!client) return;
            apps.push_back({client_id, client->name, "", 0});
            it = apps.end() - 1;
          }
          std::vector<std::string> both = GrantableScopes(it->scope + " " + scope);
          it->scope = JoinScopes(both);
          it->since = std::max(it->since, since);
        };
        for (const auto& grant : session_store::GrantsOfUser(sql, user_id, clock_.NowSeconds())) {
          add(grant.client_id, grant.scope, grant.login_time);
        }
        for (const auto& consent : consent_store::OfUser(sql, user_id)) {
          add(consent.client_id, consent.scope, consent.granted_at);
        }
        std::sort(apps.begin(), apps.end(),
                  [](const ConnectedApp& a, const ConnectedApp& b) { return a.since > b.since; });
        return apps;
      });
}

Status AuthorizationService::Disconnect(const std::string& user_id, const std::string& client_id) {
  auto found = db_.Run<std::pair<std::vector<std::string>, bool>>(
      [&](Connection& sql) -> Result<std::pair<std::vector<std::string>, bool>> {
        std::vector<std::string> grants;
        for (const auto& grant : session_store::GrantsOfUser(sql, user_id, clock_.NowSeconds())) {
          if (grant.client_id == client_id) grants.push_back(grant.id);
        }
        return std::pair{grants, consent_store::Find(sql, user_id, client_id).has_value()};
      });
  if (!found) return found.error();
  auto& [grants, consented] = *found;
  if (grants.empty() && !consented) return MakeError(Errc::kNotFound, "not connected");
  for (const std::string& grant : grants) {
    if (auto revoked = tokens_.RevokeSession(grant); !revoked) return revoked.error();
  }
  auto forgotten = db_.Write<bool>([&](Connection& sql) -> Result<bool> {
    return consent_store::Delete(sql, user_id, client_id);
  });
  if (!forgotten) return forgotten.error();
  return Ok{};
}

Result<std::string> AuthorizationService::IssueCode(const AuthorizationRequest& request,
                                                    const SignInSession& session) {
  std::string code = RandomToken(kCodeBytes);
  std::int64_t now = clock_.NowSeconds();
  AuthorizationCodeRecord record;
  record.code_hash = Sha256Hex(code);
  record.client_id = request.client.id;
  record.user_id = session.user_id;
  record.session_id = session.session_id;
  record.grant_session_id = TimeOrderedId();
  record.redirect_uri = request.redirect_uri;
  record.scope = request.scope;
  record.nonce = request.nonce;
  record.code_challenge = request.code_challenge;
  record.auth_time = session.auth_time;
  record.amr = JoinWithCommas(session.amr);
  record.expires_at = now + kCodeSeconds;
  record.created_at = now;
  auto stored = db_.Write<Ok>([&](Connection& sql) -> Status {
    authorization_code_store::Insert(sql, record);
    return Ok{};
  });
  if (!stored) return stored.error();
  std::vector<std::pair<std::string, std::string>> parameters = {{"code", code}};
  if (!request.state.empty()) parameters.emplace_back("state", request.state);
  parameters.emplace_back("iss", config_.tokens.issuer);  // RFC 9207
  return RedirectWith(request.redirect_uri, parameters);
}

std::string AuthorizationService::RefusalRedirect(const AuthorizationRefusal& refusal) const {
  std::vector<std::pair<std::string, std::string>> parameters = {
      {"error", refusal.error}, {"error_description", refusal.description}};
  if (!refusal.state.empty()) parameters.emplace_back("state", refusal.state);
  parameters.emplace_back("iss", config_.tokens.issuer);
  return RedirectWith(refusal.redirect_uri, parameters);
}

Result<TokenResponse> AuthorizationService::ExchangeCode(const OAuthClientRecord& client,
                                                         std::string_view code,
                                                         std::string_view redirect_uri,
                                                         std::string_view code_verifier,
                                                         const ClientInfo& from) {
  if (code.empty() || code.size() > 128) return InvalidGrant("malformed code");
  const std::string code_hash = Sha256Hex(code);
  AuthorizationCodeRecord record;
  std::optional<UserRecord> user;
  bool consumed = false;
  auto checked = [&](Connection& sql) -> Result<GrantRequest> {
    std::int64_t now = clock_.NowSeconds();
    auto taken = authorization_code_store::Take(sql, code_hash, now);
    consumed = taken.has_value();
    if (!consumed) return InvalidGrant("unknown, used or expired code");
    record = std::move(*taken);
    if (record.client_id != client.id) return InvalidGrant("another client's code");
    if (record.redirect_uri != redirect_uri) return InvalidGrant("another redirect_uri");
    if (!record.code_challenge.empty()) {
      if (!IsCodeVerifier(code_verifier) ||
          !VerifierMatches(code_verifier, record.code_challenge)) {
        return InvalidGrant("wrong or missing code_verifier");
      }
    } else if (!code_verifier.empty()) {
      return InvalidGrant("code_verifier without a code_challenge");
    }
    auto parent = user_store::LockSessionOwner(sql, record.session_id);
    if (!parent || parent->refresh_expires_at <= now) {
      return InvalidGrant("the sign-in session ended");
    }
    user = std::move(parent->user);
    // The client now holds an ID token naming the sign-in session: it hears of its end.
    oidc_login_store::Record(sql, record.session_id, client.id, now);
    GrantRequest grant;
    grant.grant_id = record.grant_session_id;
    grant.user_id = record.user_id;
    grant.client_id = client.id;
    grant.scope = record.scope;
    grant.parent_session_id = record.session_id;
    grant.auth_time = record.auth_time;
    grant.amr = SplitCommas(record.amr);
    grant.offline = HasScope(record.scope, "offline_access");
    return grant;
  };
  auto pair = tokens_.StartGrant(checked, from);
  if (!pair) {
    if (pair.error().code != Errc::kInvalidGrant) return pair.error();
    if (consumed) {
      // The checks failed after the code was taken and the transaction rolled back: take it
      // for good, so a failed attempt is its only use.
      (void)db_.Write<bool>([&](Connection& sql) -> Result<bool> {
        return authorization_code_store::Take(sql, code_hash, clock_.NowSeconds()).has_value();
      });
    } else {
      // Used before: whatever its first use made is revoked (RFC 6749 §4.1.2).
      auto earlier = db_.Run<std::optional<AuthorizationCodeRecord>>(
          [&](Connection& sql) -> Result<std::optional<AuthorizationCodeRecord>> {
            return authorization_code_store::Find(sql, code_hash);
          });
      if (earlier && *earlier && (*earlier)->used_at) {
        if (auto revoked = tokens_.RevokeSession((*earlier)->grant_session_id); !revoked) {
          return revoked.error();
        }
      }
    }
    return pair.error();
  }
  // StartGrant ran `checked`, which read the code's record and user, before making the grant.
  SessionRecord made;
  made.client_id = client.id;
  made.scope = record.scope;
  made.parent_session_id = record.session_id;
  made.auth_time = record.auth_time;
  made.amr = record.amr;
  return TokenResponse{pair->access_token, pair->expires_in, pair->refresh_token,
                       IdToken(client, *user, made, record.nonce), record.scope};
}

Result<TokenResponse> AuthorizationService::RefreshGrant(const OAuthClientRecord& client,
                                                         std::string_view refresh_token,
                                                         std::string_view scope,
                                                         const ClientInfo& from) {
  auto pair = tokens_.Refresh(refresh_token, from, TokenAudience::kClient, client.id);
  if (!pair) {
    switch (pair.error().code) {
      case Errc::kInvalidToken:
      case Errc::kTokenRevoked:
      case Errc::kTokenReused:
        return MakeError(Errc::kInvalidGrant, pair.error().reason,
                         "The refresh token is invalid, revoked or not this client's.");
      default: return pair.error();
    }
  }
  auto found = db_.Run<std::pair<std::optional<SessionRecord>, std::optional<UserRecord>>>(
      [&](Connection& sql)
          -> Result<std::pair<std::optional<SessionRecord>, std::optional<UserRecord>>> {
        auto grant = session_store::Find(sql, pair->session_id);
        auto user = grant ? user_store::FindById(sql, grant->user_id) : std::nullopt;
        return std::pair{grant, user};
      });
  if (!found) return found.error();
  auto& [grant, user] = *found;
  if (!grant || !user) return MakeError(Errc::kInvalidGrant, "grant revoked meanwhile");
  if (!scope.empty() && !ScopesCover(grant->scope, scope)) {
    return MakeError(Errc::kInvalidScope, "wider than the grant",
                     "A refresh cannot ask for scopes the grant does not have.");
  }
  // OpenID Connect Core §12.2: a refreshed ID token carries no nonce.
  return TokenResponse{pair->access_token, pair->expires_in, pair->refresh_token,
                       IdToken(client, *user, *grant, ""), grant->scope};
}

json AuthorizationService::UserClaims(const UserRecord& user, std::string_view scope) {
  json claims = {{"sub", user.id}};
  if (HasScope(scope, "profile")) {
    claims["name"] = user.name;
    claims["updated_at"] = user.updated_at;
  }
  if (HasScope(scope, "email")) {
    claims["email"] = user.email;
    claims["email_verified"] = user.email_verified;
  }
  return claims;
}

std::string AuthorizationService::IdToken(const OAuthClientRecord& client, const UserRecord& user,
                                          const SessionRecord& grant,
                                          std::string_view nonce) const {
  std::int64_t now = clock_.NowSeconds();
  json claims = UserClaims(user, grant.scope);
  claims["iss"] = config_.tokens.issuer;
  claims["aud"] = client.id;
  claims["azp"] = client.id;
  claims["iat"] = now;
  claims["exp"] = now + config_.tokens.access_ttl_seconds;
  claims["auth_time"] = grant.auth_time;
  claims["sid"] = grant.parent_session_id;
  claims["amr"] = SplitCommas(grant.amr);
  if (!nonce.empty()) claims["nonce"] = nonce;
  auto algorithm = ParseAlgorithm(client.id_token_algorithm);
  auto key = keys_.SignerFor(algorithm ? *algorithm : JwsAlgorithm::kRS256);
  return SignJws(*key, "JWT", claims.dump());
}

}  // namespace gatehouse
