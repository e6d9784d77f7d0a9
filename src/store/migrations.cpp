#include "store/migrations.hpp"

#include "store/connection.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

namespace gatehouse {

Migration InitialSchemaMigration();
Migration InvitationsMigration();
Migration MfaMigration();
Migration MfaCodesMigration();
Migration OAuthClientsMigration();
Migration OidcGrantsMigration();
Migration OidcLoginsMigration();
Migration MachineTokensMigration();
Migration DropSessionsByClientMigration();
Migration PasskeysMigration();
Migration PartialSessionsByParentMigration();
Migration UserAdministrationMigration();
Migration UsersByNameAndEmailMigration();
Migration SecurityEventsMigration();
Migration EmailChangesMigration();
Migration SignInAlertsMigration();
Migration WebhooksMigration();

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> all = {InitialSchemaMigration(),
                                             InvitationsMigration(),
                                             MfaMigration(),
                                             MfaCodesMigration(),
                                             OAuthClientsMigration(),
                                             OidcGrantsMigration(),
                                             OidcLoginsMigration(),
                                             MachineTokensMigration(),
                                             DropSessionsByClientMigration(),
                                             PasskeysMigration(),
                                             PartialSessionsByParentMigration(),
                                             UserAdministrationMigration(),
                                             UsersByNameAndEmailMigration(),
                                             SecurityEventsMigration(),
                                             EmailChangesMigration(),
                                             SignInAlertsMigration(),
                                             WebhooksMigration()};
  return all;
}

// Several instances may start at once: each migration runs alone.
constexpr std::int64_t kMigrationLock = 4711003;

Result<std::vector<int>> ApplyMigrations(Database& db) {
  auto created = db.Transaction<Ok>([&](Connection& sql) -> Status {
    db.SerialiseOn(sql, kMigrationLock);
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
           "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
    return Ok{};
  });
  if (!created) return created.error();

  std::vector<int> applied;
  for (const Migration& migration : AllMigrations()) {
    auto result = db.Transaction<bool>([&](Connection& sql) -> Result<bool> {
      db.SerialiseOn(sql, kMigrationLock);
      int count = 0;
      // Re-checked inside the transaction: another process may have just applied it.
      sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v",
          soci::use(migration.version), soci::into(count);
      if (count > 0) return false;
      for (const std::string& statement :
           sql.is_sqlite() ? migration.sqlite_only : migration.postgres_only) {
        sql << statement;
      }
      for (const std::string& statement : migration.statements) sql << statement;
      long long now = static_cast<long long>(std::time(nullptr));
      sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
          soci::use(migration.version), soci::use(migration.name), soci::use(now);
      return true;
    });
    if (!result) return result.error();
    if (*result) {
      spdlog::info("applied migration {} ({})", migration.version, migration.name);
      applied.push_back(migration.version);
    }
  }
  return applied;
}

}  // namespace gatehouse
