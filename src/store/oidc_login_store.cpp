#include "store/oidc_login_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::oidc_login_store {

void Record(Connection& sql, const std::string& session_id, const std::string& client_id,
            std::int64_t now) {
  long long t = now;
  sql << "INSERT INTO oidc_logins (session_id, client_id, created_at) VALUES (:s, :c, :t) "
         "ON CONFLICT (session_id, client_id) DO NOTHING",
      soci::use(session_id), soci::use(client_id), soci::use(t);
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
