#include "store/migrations.hpp"

namespace gatehouse {

Migration MfaCodesMigration() {
  return {
      4,
      "one-time codes sent by e-mail and SMS",
      {
          // The code last sent to a user for one method: to confirm a pending factor, or to
          // complete a sign-in with a confirmed one. A new code replaces the old. Stored as a
          // keyed hash (SecretBox::KeyedHash), so the database alone cannot test guesses.
          R"(CREATE TABLE mfa_codes (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, method)))",
      },
  };
}

}  // namespace gatehouse
