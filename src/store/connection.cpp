#include "store/connection.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

namespace gatehouse {

bool Connection::ExecuteOnce(soci::statement& statement) {
  bool got_row = statement.execute(true);
  if (sqlite_) {
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement.get_backend());
    sqlite_api::sqlite3_reset(backend->stmt_);
  }
  return got_row;
}

}  // namespace gatehouse
