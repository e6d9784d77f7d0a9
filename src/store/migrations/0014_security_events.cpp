#include "store/migrations.hpp"

namespace gatehouse {

// The security log. Ids are time-ordered (TimeOrderedIdAt of created_at), so the primary key
// serves the log's order, its cursor and the retention sweep, and the per-user and per-type
// indexes serve each listing in that order.
Migration SecurityEventsMigration() {
  return {
      14,
      "security events",
      {
          "CREATE TABLE events (id TEXT PRIMARY KEY, created_at BIGINT NOT NULL, "
          "type TEXT NOT NULL, user_id TEXT, actor_id TEXT, session_id TEXT, "
          "ip_address TEXT NOT NULL DEFAULT '', user_agent TEXT NOT NULL DEFAULT '', "
          "device TEXT NOT NULL DEFAULT '', country TEXT NOT NULL DEFAULT '', "
          "location TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '{}')",
          "CREATE INDEX events_by_user ON events(user_id, id)",
          "CREATE INDEX events_by_type ON events(type, id)",
      },
  };
}

}  // namespace gatehouse
