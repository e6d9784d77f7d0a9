#include "store/migrations.hpp"

namespace gatehouse {

// What administrators list and filter users by. The list is ordered by e-mail and searched
// by prefix of the e-mail or of `name_key` (the name case-folded) as ranges of bytes: on
// PostgreSQL both columns compare in the "C" collation, so that a prefix's range holds exactly
// the values that begin with it whatever the database's locale (SQLite compares bytes).
Migration UserAdministrationMigration() {
  return {
      12,
      "user administration",
      {
          "ALTER TABLE users ADD COLUMN disabled_at BIGINT",
          // Rows from before: lower() stands in for case folding (new writes fold fully).
          "UPDATE users SET name_key = lower(name)",
          "CREATE INDEX users_by_name_key ON users(name_key)",
          "CREATE INDEX users_by_role ON users(role, email)",
          // The rare states, so that a filter for them reads only their rows.
          "CREATE INDEX users_disabled ON users(email) WHERE disabled_at IS NOT NULL",
          "CREATE INDEX users_unverified ON users(email) WHERE email_verified = 0",
      },
      {"ALTER TABLE users ADD COLUMN name_key TEXT NOT NULL DEFAULT ''"},
      {R"(ALTER TABLE users ALTER COLUMN email TYPE TEXT COLLATE "C")",
       R"(ALTER TABLE users ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '')"},
  };
}

}  // namespace gatehouse
