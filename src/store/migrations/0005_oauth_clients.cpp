#include "store/migrations.hpp"

namespace gatehouse {

Migration OAuthClientsMigration() {
  return {
      5,
      "OpenID Connect clients",
      {
          // Lists are space-separated: no URI or grant type contains a space. The secret is
          // 256 random bits, so its SHA-256 is all that is kept (no slow hash is needed).
          R"(CREATE TABLE oauth_clients (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  secret_hash TEXT,
  redirect_uris TEXT NOT NULL,
  post_logout_redirect_uris TEXT NOT NULL,
  backchannel_logout_uri TEXT NOT NULL,
  grant_types TEXT NOT NULL,
  first_party INTEGER NOT NULL,
  id_token_algorithm TEXT NOT NULL,
  created_at BIGINT NOT NULL))",
      },
  };
}

}  // namespace gatehouse
