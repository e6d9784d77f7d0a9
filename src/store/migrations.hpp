#pragma once

#include <string>
#include <vector>

#include "store/database.hpp"

namespace gatehouse {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;
  // Run before `statements`, on that database only: where the dialects differ.
  std::vector<std::string> sqlite_only = {};
  std::vector<std::string> postgres_only = {};
};

// Every schema change, in order. Never edit a released one: add a new version.
const std::vector<Migration>& AllMigrations();

// Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction.
// Safe when several processes start at once. Returns the versions it applied.
Result<std::vector<int>> ApplyMigrations(Database& db);

}  // namespace gatehouse
