#include "store/migrations.hpp"

namespace gatehouse {

Migration OidcGrantsMigration() {
  return {
      6,
      "OpenID Connect grants, codes and consents",
      {
          // A grant to a client is a session of its own (rotation, reuse detection and
          // revocation as for any session), made in a sign-in session (the parent: the ID
          // token's sid). Gatehouse's own sessions have no client.
          "ALTER TABLE sessions ADD COLUMN client_id TEXT",
          "ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE sessions ADD COLUMN parent_session_id TEXT",
          "ALTER TABLE sessions ADD COLUMN auth_time BIGINT NOT NULL DEFAULT 0",
          "CREATE INDEX sessions_by_parent ON sessions(parent_session_id)",
          "CREATE INDEX sessions_by_client ON sessions(client_id)",
          // Authorization codes, stored as their SHA-256, single use. The grant a code will
          // make is named up front, so a second use can revoke it (RFC 6749 §4.1.2).
          R"(CREATE TABLE oauth_codes (
  code_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  grant_session_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scope TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  auth_time BIGINT NOT NULL,
  amr TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  created_at BIGINT NOT NULL))",
          "CREATE INDEX oauth_codes_by_expiry ON oauth_codes(expires_at)",
          // What a user allowed a client, so its consent page is not shown again.
          R"(CREATE TABLE oauth_consents (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, client_id)))",
      },
  };
}

}  // namespace gatehouse
