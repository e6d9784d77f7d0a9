#include "store/consent_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::consent_store {

std::optional<std::string> Find(Connection& sql, const std::string& user_id,
                                const std::string& client_id) {
  std::string scope;
  sql << "SELECT scope FROM oauth_consents WHERE user_id = :u AND client_id = :c",
      soci::use(user_id), soci::use(client_id), soci::into(scope);
  if (!sql.got_data()) return std::nullopt;
  return scope;
}

void Upsert(Connection& sql, const std::string& user_id, const std::string& client_id,
            const std::string& scope, std::int64_t now) {
  long long t = now;
  // ON CONFLICT … DO UPDATE: the same in SQLite (3.24+) and PostgreSQL.
  sql << "INSERT INTO oauth_consents (user_id, client_id, scope, granted_at) VALUES (:u, :c, :s, "
         ":t) ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, granted_at "
         "= excluded.granted_at",
      soci::use(user_id), soci::use(client_id), soci::use(scope), soci::use(t);
}

std::vector<Consent> OfUser(Connection& sql, const std::string& user_id) {
  Consent row;
  long long granted = 0;
  std::vector<Consent> consents;
  soci::statement st =
      (sql.prepare << "SELECT client_id, scope, granted_at FROM oauth_consents "
                      "WHERE user_id = :u ORDER BY granted_at DESC, client_id",
       soci::use(user_id), soci::into(row.client_id), soci::into(row.scope), soci::into(granted));
  st.execute();
  while (st.fetch()) {
    row.granted_at = granted;
    consents.push_back(row);
  }
  return consents;
}

bool Delete(Connection& sql, const std::string& user_id, const std::string& client_id) {
  soci::statement st =
      (sql.prepare << "DELETE FROM oauth_consents WHERE user_id = :u AND client_id = :c",
       soci::use(user_id), soci::use(client_id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

}  // namespace gatehouse::consent_store
