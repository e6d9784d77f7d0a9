#include "store/migrations.hpp"

namespace gatehouse {

Migration InvitationsMigration() {
  return {
      2,
      "invitations",
      {
          // An invitation is pending while accepted_at and revoked_at are NULL and it has not
          // expired. Only the SHA-256 of its link token is stored.
          R"(CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  invited_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  accepted_at BIGINT,
  revoked_at BIGINT))",
          "CREATE INDEX invitations_by_email ON invitations(email)",
      },
  };
}

}  // namespace gatehouse
