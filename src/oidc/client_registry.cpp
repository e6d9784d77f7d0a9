#include "oidc/client_registry.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "auth/validation.hpp"
#include "crypto/random.hpp"
#include "oidc/redirect_uri.hpp"
#include "store/client_store.hpp"
#include "store/session_store.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxClientName = 100;
constexpr std::size_t kMaxUris = 20;
constexpr std::size_t kClientIdBytes = 16;
constexpr std::size_t kClientSecretBytes = 32;
constexpr std::int64_t kRememberClientMs = 10'000;
constexpr std::size_t kMaxRememberedClients = 10'000;

std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Error Invalid(std::string_view field, std::string_view why) {
  return MakeError(Errc::kValidationFailed, "bad " + std::string(field),
                   "'" + std::string(field) + "' " + std::string(why) + ".");
}

Status CheckUris(const std::vector<std::string>& uris, std::string_view field,
                 bool allow_private_scheme) {
  if (uris.size() > kMaxUris) return Invalid(field, "may list at most 20 URIs");
  std::set<std::string> seen;
  for (const auto& uri : uris) {
    if (Status valid = ValidateRegisteredUri(uri, field, allow_private_scheme); !valid) {
      return valid;
    }
    if (!seen.insert(uri).second) return Invalid(field, "lists a URI twice");
  }
  return Ok{};
}

Status CheckGrants(const std::vector<std::string>& grants, const NewClient& request) {
  std::set<std::string> seen;
  for (const auto& grant : grants) {
    if (grant != kGrantAuthorizationCode && grant != kGrantRefreshToken &&
        grant != kGrantClientCredentials) {
      return Invalid("grant_types",
                     "may hold authorization_code, refresh_token and client_credentials");
    }
    if (!seen.insert(grant).second) return Invalid("grant_types", "lists a grant twice");
  }
  if (seen.empty()) return Invalid("grant_types", "must hold at least one grant");
  bool code = seen.contains(std::string(kGrantAuthorizationCode));
  if (seen.contains(std::string(kGrantRefreshToken)) && !code) {
    return Invalid("grant_types", "may hold refresh_token only with authorization_code");
  }
  if (seen.contains(std::string(kGrantClientCredentials)) && request.is_public) {
    return Invalid("grant_types", "may hold client_credentials only for a confidential client");
  }
  if (code && request.redirect_uris.empty()) {
    return Invalid("redirect_uris", "must hold at least one URI for authorization_code");
  }
  return Ok{};
}

Status Check(const NewClient& r, const std::vector<std::string>& grants) {
  if (r.name.empty() || r.name.size() > kMaxClientName * 4 || CheckName(r.name) ||
      CodePointCount(r.name) > kMaxClientName) {
    return Invalid("name", "must be 1 to 100 characters without control characters");
  }
  if (Status s = CheckUris(r.redirect_uris, "redirect_uris", r.is_public); !s) return s;
  if (Status s = CheckUris(r.post_logout_redirect_uris, "post_logout_redirect_uris", r.is_public);
      !s) {
    return s;
  }
  if (!r.backchannel_logout_uri.empty()) {
    // Server to server: http is allowed to any host (the logout token is signed, not secret).
    std::string_view uri = r.backchannel_logout_uri;
    bool http = uri.starts_with("http://");
    std::string as_https = http ? "https://" + std::string(uri.substr(7)) : std::string(uri);
    if (Status s = ValidateRegisteredUri(as_https, "backchannel_logout_uri", false);
        !s || !(http || uri.starts_with("https://"))) {
      return Invalid("backchannel_logout_uri", "must be an http(s) URI without a fragment");
    }
  }
  if (!r.id_token_algorithm.empty() && r.id_token_algorithm != "RS256" &&
      r.id_token_algorithm != "ES256" && r.id_token_algorithm != "EdDSA") {
    return Invalid("id_token_signed_response_alg", "must be RS256, ES256 or EdDSA");
  }
  return CheckGrants(grants, r);
}

}  // namespace

bool HasGrant(const OAuthClientRecord& client, std::string_view grant) {
  return std::find(client.grant_types.begin(), client.grant_types.end(), grant) !=
         client.grant_types.end();
}

ClientRegistry::ClientRegistry(Database& db, TokenService& tokens, const Clock& clock)
    : db_(db), tokens_(tokens), clock_(clock) {}

Result<CreatedClient> ClientRegistry::Create(const NewClient& request) {
  std::vector<std::string> grants = request.grant_types;
  if (grants.empty()) {
    grants = {std::string(kGrantAuthorizationCode), std::string(kGrantRefreshToken)};
  }
  if (Status valid = Check(request, grants); !valid) return valid.error();
  CreatedClient created;
  OAuthClientRecord& client = created.client;
  client.id = RandomId(kClientIdBytes);
  client.name = request.name;
  if (!request.is_public) {
    created.secret = RandomToken(kClientSecretBytes);
    client.secret_hash = Sha256Hex(created.secret);
  }
  client.redirect_uris = request.redirect_uris;
  client.post_logout_redirect_uris = request.post_logout_redirect_uris;
  client.backchannel_logout_uri = request.backchannel_logout_uri;
  client.grant_types = grants;
  client.first_party = request.first_party;
  client.id_token_algorithm =
      request.id_token_algorithm.empty() ? "RS256" : request.id_token_algorithm;
  client.created_at = clock_.NowSeconds();
  auto stored = db_.Write<Ok>([&](Connection& sql) -> Status {
    client_store::Insert(sql, client);
    return Ok{};
  });
  if (!stored) return stored.error();
  return created;
}

Result<std::vector<OAuthClientRecord>> ClientRegistry::List() {
  return db_.Run<std::vector<OAuthClientRecord>>(
      [](Connection& sql) -> Result<std::vector<OAuthClientRecord>> {
        return client_store::List(sql);
      });
}

Result<OAuthClientRecord> ClientRegistry::Find(std::string_view client_id) {
  return db_.Run<OAuthClientRecord>([&](Connection& sql) -> Result<OAuthClientRecord> {
    auto client = client_store::Find(sql, std::string(client_id));
    if (!client) return MakeError(Errc::kNotFound, "no such client");
    return *client;
  });
}

Status ClientRegistry::Delete(std::string_view client_id) {
  auto grants =
      db_.Run<std::vector<std::string>>([&](Connection& sql) -> Result<std::vector<std::string>> {
        return session_store::IdsOfClient(sql, std::string(client_id));
      });
  if (!grants) return grants.error();
  for (const std::string& grant : *grants) {
    if (auto revoked = tokens_.RevokeSession(grant); !revoked) return revoked.error();
  }
  if (Status revoked = tokens_.RevokeMachineTokensOf(std::string(client_id)); !revoked) {
    return revoked;
  }
  auto deleted = db_.Write<Ok>([&](Connection& sql) -> Status {
    if (!client_store::Delete(sql, std::string(client_id))) {
      return MakeError(Errc::kNotFound, "no such client");
    }
    return Ok{};
  });
  std::lock_guard lock(mutex_);
  remembered_.erase(std::string(client_id));
  if (!deleted) return deleted.error();
  return Ok{};
}

std::optional<std::optional<OAuthClientRecord>> ClientRegistry::Recall(std::string_view client_id) {
  std::lock_guard lock(mutex_);
  auto it = remembered_.find(std::string(client_id));
  if (it == remembered_.end() || it->second.until_ms <= SteadyMs()) return std::nullopt;
  return it->second.client;
}

Result<std::optional<OAuthClientRecord>> ClientRegistry::Lookup(std::string_view client_id) {
  if (auto known = Recall(client_id)) return *known;
  auto client = db_.Run<std::optional<OAuthClientRecord>>(
      [&](Connection& sql) -> Result<std::optional<OAuthClientRecord>> {
        return client_store::Find(sql, std::string(client_id));
      });
  if (!client) return client.error();
  std::lock_guard lock(mutex_);
  if (remembered_.size() >= kMaxRememberedClients) remembered_.clear();  // made-up ids
  remembered_[std::string(client_id)] = {*client, SteadyMs() + kRememberClientMs};
  return client;
}

std::optional<OAuthClientRecord> ClientRegistry::CheckSecret(
    std::optional<OAuthClientRecord> client, std::optional<std::string_view> secret) {
  // Hashed whatever happens, so an unknown client takes as long as a wrong secret.
  std::string presented = Sha256Hex(secret.value_or(""));
  if (!client) return std::nullopt;
  if (client->is_public()) {
    if (secret) return std::nullopt;
    return client;
  }
  if (!secret || !ConstantTimeEquals(presented, *client->secret_hash)) return std::nullopt;
  return client;
}

Result<std::optional<OAuthClientRecord>> ClientRegistry::Authenticate(
    std::string_view client_id, std::optional<std::string_view> secret) {
  if (client_id.empty() || client_id.size() > 64) return std::optional<OAuthClientRecord>();
  auto client = Lookup(client_id);
  if (!client) return client.error();
  return CheckSecret(std::move(*client), secret);
}

std::optional<std::optional<OAuthClientRecord>> ClientRegistry::AuthenticateIfRemembered(
    std::string_view client_id, std::optional<std::string_view> secret) {
  if (client_id.empty() || client_id.size() > 64) return std::optional<OAuthClientRecord>();
  auto known = Recall(client_id);
  if (!known) return std::nullopt;
  return CheckSecret(std::move(*known), secret);
}

}  // namespace gatehouse
