#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/token_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace gatehouse {

// What an administrator registers (CLI `gatehouse client create`, POST /v1/clients).
struct NewClient {
  std::string name;
  std::vector<std::string> redirect_uris;
  std::vector<std::string> post_logout_redirect_uris;
  std::string backchannel_logout_uri;
  std::vector<std::string> grant_types;  // empty: authorization_code and refresh_token
  bool is_public = false;                // a browser or native app: no secret, PKCE required
  bool first_party = false;              // the operator's own app: no consent page
  std::string id_token_algorithm;        // RS256 (empty), ES256 or EdDSA
};

// A client as created: its secret exists only here, shown once.
struct CreatedClient {
  OAuthClientRecord client;
  std::string secret;  // empty for a public client
};

// The OpenID Connect clients. Secrets are 256 random bits, kept as their SHA-256.
// Thread-safe.
class ClientRegistry {
 public:
  ClientRegistry(Database& db, TokenService& tokens, const Clock& clock);

  // kValidationFailed naming the field for a bad name, URI or grant combination.
  Result<CreatedClient> Create(const NewClient& request);
  Result<std::vector<OAuthClientRecord>> List();
  // kNotFound when there is no such client.
  Result<OAuthClientRecord> Find(std::string_view client_id);
  // Revokes every grant to the client (its tokens stop working at once), then deletes it with
  // its codes and consents. kNotFound when there is no such client.
  Status Delete(std::string_view client_id);

  // The client `client_id`, when `secret` is its secret — or, for a public client, when no
  // secret is given. nullopt for anything else (unknown client, wrong, missing or unexpected
  // secret); the comparison takes the same time whatever the secret. Clients are remembered
  // for 10 s, so the token and introspection endpoints rarely read the database for them: a
  // client deleted on another instance is refused there within that time (its grants are
  // revoked at once).
  Result<std::optional<OAuthClientRecord>> Authenticate(std::string_view client_id,
                                                        std::optional<std::string_view> secret);
  // Authenticate's answer when it needs no database: nullopt when the client was not read in
  // the last 10 s (then call Authenticate). Never blocks on I/O.
  std::optional<std::optional<OAuthClientRecord>> AuthenticateIfRemembered(
      std::string_view client_id, std::optional<std::string_view> secret);

  // The client, from memory when read in the last 10 s; nullopt when there is none.
  Result<std::optional<OAuthClientRecord>> Lookup(std::string_view client_id);

 private:
  // What memory knows of the client: nullopt when it was not read in the last 10 s.
  std::optional<std::optional<OAuthClientRecord>> Recall(std::string_view client_id);
  // `client` if `secret` authenticates it (see Authenticate).
  static std::optional<OAuthClientRecord> CheckSecret(std::optional<OAuthClientRecord> client,
                                                      std::optional<std::string_view> secret);

  Database& db_;
  TokenService& tokens_;
  const Clock& clock_;
  std::mutex mutex_;
  struct Remembered {
    std::optional<OAuthClientRecord> client;  // nullopt: known not to exist
    std::int64_t until_ms = 0;                // steady clock
  };
  std::unordered_map<std::string, Remembered> remembered_;
};

// The grant types a client may be registered for.
inline constexpr std::string_view kGrantAuthorizationCode = "authorization_code";
inline constexpr std::string_view kGrantRefreshToken = "refresh_token";
inline constexpr std::string_view kGrantClientCredentials = "client_credentials";

bool HasGrant(const OAuthClientRecord& client, std::string_view grant);

}  // namespace gatehouse
