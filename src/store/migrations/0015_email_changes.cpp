#include "store/migrations.hpp"

namespace gatehouse {

// E-mail address changes: asked for with the password, confirmed by a link to the new address,
// undone for a while by a link to the old one. Both secrets are stored as SHA-256 only.
Migration EmailChangesMigration() {
  return {
      15,
      "e-mail address changes",
      {
          "CREATE TABLE email_changes (id TEXT PRIMARY KEY, "
          "user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, "
          "old_email TEXT NOT NULL, new_email TEXT NOT NULL, "
          "session_id TEXT NOT NULL DEFAULT '', "
          "confirm_hash TEXT NOT NULL UNIQUE, undo_hash TEXT NOT NULL UNIQUE, "
          "created_at BIGINT NOT NULL, confirm_expires_at BIGINT NOT NULL, "
          "undo_expires_at BIGINT NOT NULL, confirmed_at BIGINT, undone_at BIGINT)",
          "CREATE INDEX email_changes_by_user ON email_changes(user_id)",
      },
  };
}

}  // namespace gatehouse
