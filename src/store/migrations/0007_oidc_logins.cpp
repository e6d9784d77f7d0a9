#include "store/migrations.hpp"

namespace gatehouse {

Migration OidcLoginsMigration() {
  return {
      7,
      "clients signed in through each sign-in session",
      {
          // Which clients got an ID token naming a sign-in session (its sid): they hear of
          // its end by back-channel logout, even after their own grant has expired.
          R"(CREATE TABLE oidc_logins (
  session_id TEXT NOT NULL,
  client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, client_id)))",
      },
  };
}

}  // namespace gatehouse
