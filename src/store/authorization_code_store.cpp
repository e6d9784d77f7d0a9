#include "store/authorization_code_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::authorization_code_store {
namespace {

constexpr const char* kColumns =
    "code_hash, client_id, user_id, session_id, grant_session_id, redirect_uri, scope, nonce, "
    "code_challenge, auth_time, amr, expires_at, used_at, created_at";

// The columns of kColumns, bound to one record that each execution overwrites.
struct Row {
  AuthorizationCodeRecord c;
  long long auth_time = 0, expires = 0, used = 0, created = 0;
  soci::indicator used_ind = soci::i_null;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(c.code_hash));
    st.exchange(soci::into(c.client_id));
    st.exchange(soci::into(c.user_id));
    st.exchange(soci::into(c.session_id));
    st.exchange(soci::into(c.grant_session_id));
    st.exchange(soci::into(c.redirect_uri));
    st.exchange(soci::into(c.scope));
    st.exchange(soci::into(c.nonce));
    st.exchange(soci::into(c.code_challenge));
    st.exchange(soci::into(auth_time));
    st.exchange(soci::into(c.amr));
    st.exchange(soci::into(expires));
    st.exchange(soci::into(used, used_ind));
    st.exchange(soci::into(created));
  }
  AuthorizationCodeRecord Read() const {
    AuthorizationCodeRecord r = c;
    r.auth_time = auth_time;
    r.expires_at = expires;
    r.used_at.reset();
    if (used_ind == soci::i_ok) r.used_at = used;
    r.created_at = created;
    return r;
  }
};

// The code exchange's one statement (prepared once per connection): marks the code used and
// returns it, only if it was unused and unexpired. UPDATE … RETURNING is atomic on both
// databases, so of concurrent takers exactly one gets the row.
struct TakeStatement {
  std::string code_hash;
  long long now = 0;
  Row row;
  soci::statement statement;
  explicit TakeStatement(Connection& sql) : statement(sql) {
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(code_hash));
    statement.exchange(soci::use(now));
    row.Bind(statement);
    statement.alloc();
    statement.prepare(std::string("UPDATE oauth_codes SET used_at = :t WHERE code_hash = :h AND "
                                  "used_at IS NULL AND expires_at > :now RETURNING ") +
                      kColumns);
    statement.define_and_bind();
  }
};

}  // namespace

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

std::optional<AuthorizationCodeRecord> Take(Connection& sql, const std::string& code_hash,
                                            std::int64_t now) {
  auto& take = sql.Prepared<TakeStatement>();
  take.code_hash = code_hash;
  take.now = now;
  if (!sql.ExecuteOnce(take.statement)) return std::nullopt;
  return take.row.Read();
}

std::optional<AuthorizationCodeRecord> Find(Connection& sql, const std::string& code_hash) {
  Row row;
  soci::statement st(sql);
  st.exchange(soci::use(code_hash));
  row.Bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kColumns + " FROM oauth_codes WHERE code_hash = :h");
  st.define_and_bind();
  if (!st.execute(true)) return std::nullopt;
  return row.Read();
}

long long DeleteExpired(Connection& sql, std::int64_t now) {
  long long t = now;
  soci::statement st =
      (sql.prepare << "DELETE FROM oauth_codes WHERE expires_at <= :t", soci::use(t));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::authorization_code_store
