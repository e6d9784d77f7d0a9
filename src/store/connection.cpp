#include "store/connection.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

namespace gatehouse {

namespace {

template <int kWhich>  // 0 begin, 1 commit, 2 rollback: one prepared statement each
struct ControlStatement {
  soci::statement statement;
  static const char* Text(bool sqlite) {
    if (kWhich == 1) return "COMMIT";
    if (kWhich == 2) return "ROLLBACK";
    return sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
  }
  explicit ControlStatement(Connection& sql) : statement((sql.prepare << Text(sql.is_sqlite()))) {}
};

}  // namespace

void Connection::Begin() { ExecuteOnce(Prepared<ControlStatement<0>>().statement); }
void Connection::Commit() { ExecuteOnce(Prepared<ControlStatement<1>>().statement); }
void Connection::Rollback() { ExecuteOnce(Prepared<ControlStatement<2>>().statement); }

bool Connection::ExecuteOnce(soci::statement& statement) {
  bool got_row = statement.execute(true);
  if (sqlite_) {
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement.get_backend());
    sqlite_api::sqlite3_reset(backend->stmt_);
  }
  return got_row;
}

}  // namespace gatehouse
