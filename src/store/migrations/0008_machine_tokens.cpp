#include "store/migrations.hpp"

namespace gatehouse {

Migration MachineTokensMigration() {
  return {
      8,
      "client_credentials access tokens",
      {
          // A machine client's live access tokens (no user, so no session): what the cache's
          // whitelist is refilled from, and what revocation deletes.
          R"(CREATE TABLE machine_tokens (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL))",
          "CREATE INDEX machine_tokens_by_client ON machine_tokens(client_id)",
      },
  };
}

}  // namespace gatehouse
