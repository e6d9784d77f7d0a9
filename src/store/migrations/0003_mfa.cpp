#include "store/migrations.hpp"

namespace gatehouse {

Migration MfaMigration() {
  return {
      3,
      "two-factor authentication",
      {
          // One row per method a user has; pending until confirmed_at is set. A TOTP seed is
          // stored sealed (crypto/secret_box.hpp), never in clear.
          R"(CREATE TABLE mfa_factors (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  sealed_secret TEXT,
  phone TEXT,
  confirmed_at BIGINT,
  last_counter BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, method)))",
          "ALTER TABLE users ADD COLUMN second_factors TEXT NOT NULL DEFAULT ''",
          // Single-use codes for when every other factor is lost; stored as hashes.
          R"(CREATE TABLE recovery_codes (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at BIGINT,
  created_at BIGINT NOT NULL))",
          "CREATE INDEX recovery_codes_by_user ON recovery_codes(user_id)",
          // A password that was right, waiting for its second factor (the mfa_token).
          R"(CREATE TABLE mfa_challenges (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  remember_me INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  created_at BIGINT NOT NULL))",
      },
  };
}

}  // namespace gatehouse
