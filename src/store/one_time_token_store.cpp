#include "store/one_time_token_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::one_time_token_store {
namespace {

constexpr const char* kColumns =
    "id, purpose, user_id, secret_hash, expires_at, attempts, used_at, created_at";

// Runs a SELECT of kColumns (with its parameters already bound by `bind_parameters`) and
// reads at most one row.
template <typename BindParameters>
std::optional<OneTimeTokenRecord> SelectOne(Connection& sql, const std::string& query,
                                            BindParameters bind_parameters) {
  OneTimeTokenRecord t;
  long long expires = 0, used = 0, created = 0;
  soci::indicator used_ind = soci::i_null;
  soci::statement st(sql);
  bind_parameters(st);
  st.exchange(soci::into(t.id));
  st.exchange(soci::into(t.purpose));
  st.exchange(soci::into(t.user_id));
  st.exchange(soci::into(t.secret_hash));
  st.exchange(soci::into(expires));
  st.exchange(soci::into(t.attempts));
  st.exchange(soci::into(used, used_ind));
  st.exchange(soci::into(created));
  st.alloc();
  st.prepare("SELECT " + std::string(kColumns) + " FROM one_time_tokens WHERE " + query);
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) return std::nullopt;
  t.expires_at = expires;
  t.created_at = created;
  if (used_ind == soci::i_ok) t.used_at = used;
  return t;
}

}  // namespace

void Insert(Connection& sql, const OneTimeTokenRecord& t) {
  long long expires = t.expires_at;
  long long created = t.created_at;
  sql << "INSERT INTO one_time_tokens (id, purpose, user_id, secret_hash, expires_at, attempts, "
         "created_at) VALUES (:id, :p, :u, :h, :e, 0, :c)",
      soci::use(t.id), soci::use(t.purpose), soci::use(t.user_id), soci::use(t.secret_hash),
      soci::use(expires), soci::use(created);
}

std::optional<OneTimeTokenRecord> FindBySecretHash(Connection& sql, const std::string& purpose,
                                                   const std::string& secret_hash) {
  return SelectOne(sql, "purpose = :p AND secret_hash = :h", [&](soci::statement& st) {
    st.exchange(soci::use(purpose));
    st.exchange(soci::use(secret_hash));
  });
}

std::optional<OneTimeTokenRecord> FindLatestUnused(Connection& sql, const std::string& user_id,
                                                   const std::string& purpose) {
  return SelectOne(sql,
                   "user_id = :u AND purpose = :p AND used_at IS NULL "
                   "ORDER BY created_at DESC, id LIMIT 1",
                   [&](soci::statement& st) {
                     st.exchange(soci::use(user_id));
                     st.exchange(soci::use(purpose));
                   });
}

int AddAttempt(Connection& sql, const std::string& id) {
  sql << "UPDATE one_time_tokens SET attempts = attempts + 1 WHERE id = :id", soci::use(id);
  int attempts = 0;
  sql << "SELECT attempts FROM one_time_tokens WHERE id = :id", soci::use(id), soci::into(attempts);
  return attempts;
}

bool MarkUsed(Connection& sql, const std::string& id, std::int64_t now) {
  long long t = now;
  soci::statement st = (sql.prepare << "UPDATE one_time_tokens SET used_at = :t WHERE id = :id "
                                       "AND used_at IS NULL",
                        soci::use(t), soci::use(id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

void VoidUnused(Connection& sql, const std::string& user_id, const std::string& purpose,
                std::int64_t now) {
  long long t = now;
  sql << "UPDATE one_time_tokens SET used_at = :t WHERE user_id = :u AND purpose = :p AND "
         "used_at IS NULL",
      soci::use(t), soci::use(user_id), soci::use(purpose);
}

}  // namespace gatehouse::one_time_token_store
