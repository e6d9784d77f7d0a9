#include "store/migrations.hpp"

namespace gatehouse {

// Webhooks: the endpoints administrators registered (their signing secret sealed), and each
// delivery of an event to one, the log of its attempts (the outbox schedules them). A
// delivery about an account goes with the account (user_id is NULL when none is, or no longer).
Migration WebhooksMigration() {
  return {
      17,
      "webhooks",
      {
          "CREATE TABLE webhooks (id TEXT PRIMARY KEY, url TEXT NOT NULL, "
          "description TEXT NOT NULL DEFAULT '', events TEXT NOT NULL, "
          "secret_sealed TEXT NOT NULL, created_by TEXT NOT NULL DEFAULT '', "
          "created_at BIGINT NOT NULL)",
          "CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, "
          "webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE, "
          "event_id TEXT NOT NULL, event_type TEXT NOT NULL, "
          "user_id TEXT REFERENCES users(id) ON DELETE CASCADE, "
          "payload TEXT NOT NULL, created_at BIGINT NOT NULL, "
          "attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at BIGINT, "
          "last_status INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', "
          "delivered_at BIGINT, failed_at BIGINT, "
          "UNIQUE (webhook_id, event_id, event_type))",
          "CREATE INDEX webhook_deliveries_log ON webhook_deliveries(webhook_id, id)",
          "CREATE INDEX webhook_deliveries_by_user ON webhook_deliveries(user_id)",
      },
  };
}

}  // namespace gatehouse
