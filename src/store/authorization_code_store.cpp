#include "store/authorization_code_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::authorization_code_store {

void Insert(Connection& sql, const AuthorizationCodeRecord& c) {
  long long auth_time = c.auth_time, expires = c.expires_at, created = c.created_at;
  sql << "INSERT INTO oauth_codes (code_hash, client_id, user_id, session_id, grant_session_id, "
         "redirect_uri, scope, nonce, code_challenge, auth_time, amr, expires_at, created_at) "
         "VALUES (:h, :c, :u, :s, :g, :r, :sc, :n, :cc, :at, :amr, :e, :cr)",
      soci::use(c.code_hash), soci::use(c.client_id), soci::use(c.user_id), soci::use(c.session_id),
      soci::use(c.grant_session_id), soci::use(c.redirect_uri), soci::use(c.scope),
      soci::use(c.nonce), soci::use(c.code_challenge), soci::use(auth_time), soci::use(c.amr),
      soci::use(expires), soci::use(created);
}

bool Consume(Connection& sql, const std::string& code_hash, std::int64_t now) {
  long long t = now;
  soci::statement st =
      (sql.prepare << "UPDATE oauth_codes SET used_at = :t WHERE code_hash = :h AND used_at IS "
                      "NULL AND expires_at > :now",
       soci::use(t), soci::use(code_hash), soci::use(t));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

std::optional<AuthorizationCodeRecord> Find(Connection& sql, const std::string& code_hash) {
  AuthorizationCodeRecord c;
  long long auth_time = 0, expires = 0, used = 0, created = 0;
  soci::indicator used_ind = soci::i_null;
  sql << "SELECT code_hash, client_id, user_id, session_id, grant_session_id, redirect_uri, "
         "scope, nonce, code_challenge, auth_time, amr, expires_at, used_at, created_at "
         "FROM oauth_codes WHERE code_hash = :h",
      soci::use(code_hash), soci::into(c.code_hash), soci::into(c.client_id), soci::into(c.user_id),
      soci::into(c.session_id), soci::into(c.grant_session_id), soci::into(c.redirect_uri),
      soci::into(c.scope), soci::into(c.nonce), soci::into(c.code_challenge), soci::into(auth_time),
      soci::into(c.amr), soci::into(expires), soci::into(used, used_ind), soci::into(created);
  if (!sql.got_data()) return std::nullopt;
  c.auth_time = auth_time;
  c.expires_at = expires;
  if (used_ind == soci::i_ok) c.used_at = used;
  c.created_at = created;
  return c;
}

long long DeleteExpired(Connection& sql, std::int64_t now) {
  long long t = now;
  soci::statement st =
      (sql.prepare << "DELETE FROM oauth_codes WHERE expires_at <= :t", soci::use(t));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::authorization_code_store
