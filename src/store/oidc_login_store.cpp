#include "store/oidc_login_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::oidc_login_store {

namespace {

// Prepared once per connection: every code exchange runs it.
struct RecordStatement {
  std::string session_id, client_id;
  long long now = 0;
  soci::statement statement;
  explicit RecordStatement(Connection& sql)
      : statement((sql.prepare << "INSERT INTO oidc_logins (session_id, client_id, created_at) "
                                  "VALUES (:s, :c, :t) ON CONFLICT (session_id, client_id) DO "
                                  "NOTHING",
                   soci::use(session_id), soci::use(client_id), soci::use(now))) {}
};

}  // namespace

void Record(Connection& sql, const std::string& session_id, const std::string& client_id,
            std::int64_t now) {
  auto& insert = sql.Prepared<RecordStatement>();
  insert.session_id = session_id;
  insert.client_id = client_id;
  insert.now = now;
  sql.ExecuteOnce(insert.statement);
}

std::vector<std::string> ClientsOf(Connection& sql, const std::string& session_id) {
  std::string client_id;
  std::vector<std::string> clients;
  soci::statement st = (sql.prepare << "SELECT client_id FROM oidc_logins WHERE session_id = :s "
                                       "ORDER BY created_at, client_id",
                        soci::use(session_id), soci::into(client_id));
  st.execute();
  while (st.fetch()) clients.push_back(client_id);
  return clients;
}

void Forget(Connection& sql, const std::string& session_id) {
  sql << "DELETE FROM oidc_logins WHERE session_id = :s", soci::use(session_id);
}

long long DeleteOrphans(Connection& sql) {
  soci::statement st = (sql.prepare << "DELETE FROM oidc_logins WHERE session_id NOT IN "
                                       "(SELECT id FROM sessions)");
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::oidc_login_store
