#include "store/machine_token_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::machine_token_store {

void Insert(Connection& sql, const std::string& id, const std::string& client_id,
            std::int64_t expires_at, std::int64_t now) {
  long long e = expires_at, t = now;
  sql << "INSERT INTO machine_tokens (id, client_id, expires_at, created_at) VALUES (:i, :c, :e, "
         ":t)",
      soci::use(id), soci::use(client_id), soci::use(e), soci::use(t);
}

std::optional<std::string> LiveClientOf(Connection& sql, const std::string& id, std::int64_t now) {
  long long t = now;
  std::string client_id;
  sql << "SELECT client_id FROM machine_tokens WHERE id = :i AND expires_at > :t", soci::use(id),
      soci::use(t), soci::into(client_id);
  if (!sql.got_data()) return std::nullopt;
  return client_id;
}

bool Delete(Connection& sql, const std::string& id) {
  soci::statement st = (sql.prepare << "DELETE FROM machine_tokens WHERE id = :i", soci::use(id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::vector<std::string> IdsOfClient(Connection& sql, const std::string& client_id) {
  std::string id;
  std::vector<std::string> ids;
  soci::statement st = (sql.prepare << "SELECT id FROM machine_tokens WHERE client_id = :c",
                        soci::use(client_id), soci::into(id));
  st.execute();
  while (st.fetch()) ids.push_back(id);
  return ids;
}

long long DeleteExpired(Connection& sql, std::int64_t now) {
  long long t = now;
  soci::statement st =
      (sql.prepare << "DELETE FROM machine_tokens WHERE expires_at <= :t", soci::use(t));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::machine_token_store
