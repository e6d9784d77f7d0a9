#include "store/migrations.hpp"

namespace gatehouse {

Migration PasskeysMigration() {
  return {
      10,
      "passkeys (WebAuthn credentials)",
      {
          // One row per credential. Binary values (the credential ID, the COSE public key)
          // are stored in base64url, the same text on both databases.
          R"(CREATE TABLE passkeys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  credential_id TEXT NOT NULL UNIQUE,
  public_key TEXT NOT NULL,
  algorithm BIGINT NOT NULL,
  aaguid TEXT NOT NULL,
  name TEXT NOT NULL,
  sign_count BIGINT NOT NULL,
  backup_eligible INTEGER NOT NULL,
  backed_up INTEGER NOT NULL,
  user_verified INTEGER NOT NULL,
  attestation_format TEXT NOT NULL,
  transports TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT))",
          "CREATE INDEX passkeys_by_user ON passkeys(user_id)",
          // The user handle authenticators keep with a discoverable credential: random, made
          // with the user's first passkey, never the e-mail address (WebAuthn §14.6.1).
          "ALTER TABLE users ADD COLUMN passkey_handle TEXT",
          "CREATE UNIQUE INDEX users_by_passkey_handle ON users(passkey_handle)",
      },
  };
}

}  // namespace gatehouse
