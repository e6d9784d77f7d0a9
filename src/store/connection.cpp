#include "store/connection.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

namespace gatehouse {

namespace {

enum class Control { kBegin, kCommit, kRollback };

// One prepared statement per kind of transaction control.
template <Control kKind>
struct ControlStatement {
  soci::statement statement;
  static const char* Text(bool sqlite) {
    switch (kKind) {
      case Control::kBegin: return sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
      case Control::kCommit: return "COMMIT";
      case Control::kRollback: return "ROLLBACK";
    }
    return "";
  }
  explicit ControlStatement(Connection& sql) : statement((sql.prepare << Text(sql.is_sqlite()))) {}
};

}  // namespace

void Connection::Begin() { ExecuteOnce(Prepared<ControlStatement<Control::kBegin>>().statement); }
void Connection::Commit() { ExecuteOnce(Prepared<ControlStatement<Control::kCommit>>().statement); }
void Connection::Rollback() {
  ExecuteOnce(Prepared<ControlStatement<Control::kRollback>>().statement);
}

bool Connection::ExecuteOnce(soci::statement& statement) {
  bool got_row = statement.execute(true);
  if (sqlite_) {
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement.get_backend());
    sqlite_api::sqlite3_reset(backend->stmt_);
  }
  return got_row;
}

}  // namespace gatehouse
