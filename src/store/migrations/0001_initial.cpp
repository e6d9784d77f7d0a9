#include "store/migrations.hpp"

namespace gatehouse {

// Written in the SQL common to SQLite and PostgreSQL: TEXT, BIGINT (Unix seconds), INTEGER
// booleans (0/1).
Migration InitialSchemaMigration() {
  return {
      1,
      "initial schema",
      {
          R"(CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  email_verified INTEGER NOT NULL DEFAULT 0,
  role TEXT NOT NULL DEFAULT 'user',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL))",
          // One row per login. It holds the current token pair, so a cache that lost the
          // whitelist can be refilled, and a token that is neither current nor the grace
          // predecessor is known to be rotated away (reuse).
          R"(CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  remember_me INTEGER NOT NULL,
  amr TEXT NOT NULL,
  access_jti TEXT NOT NULL,
  refresh_jti TEXT NOT NULL,
  access_expires_at BIGINT NOT NULL,
  refresh_expires_at BIGINT NOT NULL,
  previous_refresh_jti TEXT,
  rotated_at BIGINT,
  login_time BIGINT NOT NULL,
  login_user_agent TEXT NOT NULL DEFAULT '',
  login_ip_address TEXT NOT NULL DEFAULT '',
  last_active BIGINT NOT NULL,
  last_user_agent TEXT NOT NULL DEFAULT '',
  last_ip_address TEXT NOT NULL DEFAULT ''))",
          "CREATE INDEX sessions_by_user ON sessions(user_id)",
          "CREATE INDEX sessions_by_expiry ON sessions(refresh_expires_at)",
          // Link tokens and codes, stored only as hashes.
          R"(CREATE TABLE one_time_tokens (
  id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  used_at BIGINT,
  created_at BIGINT NOT NULL))",
          "CREATE UNIQUE INDEX one_time_tokens_by_secret ON one_time_tokens(purpose, secret_hash)",
          "CREATE INDEX one_time_tokens_by_user ON one_time_tokens(user_id, purpose)",
          R"(CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  algorithm TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT,
  publish_until BIGINT))",
          // Messages waiting for delivery; a row is deleted once sent.
          R"(CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''))",
          "CREATE INDEX outbox_by_due ON outbox(next_attempt_at)",
      }};
}

}  // namespace gatehouse
