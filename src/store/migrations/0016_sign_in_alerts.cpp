#include "store/migrations.hpp"

namespace gatehouse {

// New sign-in alerts: the devices (browser and system) and countries each account signed in
// from, and the "this wasn't me" links of the alerts sent, stored as SHA-256 only.
Migration SignInAlertsMigration() {
  return {
      16,
      "new sign-in alerts",
      {
          "CREATE TABLE known_devices ("
          "user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, "
          "device TEXT NOT NULL, country TEXT NOT NULL, last_seen BIGINT NOT NULL, "
          "PRIMARY KEY (user_id, device, country))",
          "CREATE INDEX known_devices_by_last_seen ON known_devices(last_seen)",
          "CREATE TABLE sign_in_alerts (token_hash TEXT PRIMARY KEY, "
          "user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, "
          "session_id TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, "
          "used_at BIGINT)",
          "CREATE INDEX sign_in_alerts_by_user ON sign_in_alerts(user_id)",
      },
  };
}

}  // namespace gatehouse
