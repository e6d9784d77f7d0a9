#include "store/sign_in_alert_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::sign_in_alert_store {

void Insert(Connection& sql, const std::string& token_hash, const AlertLink& link, std::int64_t now,
            std::int64_t expires_at) {
  long long created = now, expires = expires_at;
  sql << "INSERT INTO sign_in_alerts (token_hash, user_id, session_id, created_at, expires_at) "
         "VALUES (:h, :u, :s, :c, :e)",
      soci::use(token_hash), soci::use(link.user_id), soci::use(link.session_id),
      soci::use(created), soci::use(expires);
}

std::optional<AlertLink> Find(Connection& sql, const std::string& token_hash, std::int64_t now) {
  long long t = now;
  AlertLink link;
  sql << "SELECT user_id, session_id FROM sign_in_alerts WHERE token_hash = :h AND used_at IS "
         "NULL AND expires_at > :t",
      soci::use(token_hash), soci::use(t), soci::into(link.user_id), soci::into(link.session_id);
  if (!sql.got_data()) return std::nullopt;
  return link;
}

std::optional<AlertLink> Use(Connection& sql, const std::string& token_hash, std::int64_t now) {
  long long t = now;
  soci::statement st = (sql.prepare << "UPDATE sign_in_alerts SET used_at = :t WHERE token_hash "
                                       "= :h AND used_at IS NULL AND expires_at > :t2",
                        soci::use(t), soci::use(token_hash), soci::use(t));
  st.execute(true);
  if (st.get_affected_rows() != 1) return std::nullopt;
  AlertLink link;
  sql << "SELECT user_id, session_id FROM sign_in_alerts WHERE token_hash = :h",
      soci::use(token_hash), soci::into(link.user_id), soci::into(link.session_id);
  return link;
}

long long DeleteExpired(Connection& sql, std::int64_t now) {
  long long t = now;
  soci::statement st =
      (sql.prepare << "DELETE FROM sign_in_alerts WHERE expires_at <= :t", soci::use(t));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::sign_in_alert_store
