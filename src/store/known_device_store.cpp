#include "store/known_device_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::known_device_store {

DeviceHistory Find(Connection& sql, const std::string& user_id, const std::string& device,
                   const std::string& country) {
  long long count = 0, last_seen = 0;
  soci::indicator seen = soci::i_null;
  // One query: whether the account has any history, and this device's.
  sql << "SELECT COUNT(*), MAX(CASE WHEN device = :d AND country = :c THEN last_seen END) "
         "FROM known_devices WHERE user_id = :u",
      soci::use(device), soci::use(country), soci::use(user_id), soci::into(count),
      soci::into(last_seen, seen);
  DeviceHistory history;
  history.any = count > 0;
  if (seen == soci::i_ok) history.last_seen = last_seen;
  return history;
}

void Touch(Connection& sql, const std::string& user_id, const std::string& device,
           const std::string& country, std::int64_t now) {
  long long t = now;
  // ON CONFLICT … DO UPDATE: the same in SQLite (3.24+) and PostgreSQL.
  sql << "INSERT INTO known_devices (user_id, device, country, last_seen) VALUES (:u, :d, :c, "
         ":t) ON CONFLICT (user_id, device, country) DO UPDATE SET last_seen = excluded.last_seen",
      soci::use(user_id), soci::use(device), soci::use(country), soci::use(t);
}

long long DeleteUnseenSince(Connection& sql, std::int64_t cutoff) {
  long long t = cutoff;
  soci::statement st =
      (sql.prepare << "DELETE FROM known_devices WHERE last_seen < :t AND EXISTS (SELECT 1 FROM "
                      "known_devices AS newer WHERE newer.user_id = known_devices.user_id AND "
                      "newer.last_seen > known_devices.last_seen)",
       soci::use(t));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::known_device_store
