#include "store/key_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::key_store {

void Insert(Connection& sql, const SigningKeyRecord& k) {
  long long created = k.created_at;
  sql << "INSERT INTO signing_keys (kid, algorithm, private_pem, created_at) VALUES (:k, :a, :p, "
         ":c)",
      soci::use(k.kid), soci::use(k.algorithm), soci::use(k.private_pem), soci::use(created);
}

std::vector<SigningKeyRecord> ListPublished(Connection& sql, std::int64_t now) {
  long long t = now;
  SigningKeyRecord k;
  long long created = 0, retired = 0, until = 0;
  soci::indicator retired_ind = soci::i_null, until_ind = soci::i_null;
  soci::statement st =
      (sql.prepare << "SELECT kid, algorithm, private_pem, created_at, retired_at, publish_until "
                      "FROM signing_keys WHERE publish_until IS NULL OR publish_until > :t "
                      "ORDER BY created_at DESC, kid",
       soci::use(t), soci::into(k.kid), soci::into(k.algorithm), soci::into(k.private_pem),
       soci::into(created), soci::into(retired, retired_ind), soci::into(until, until_ind));
  st.execute();
  std::vector<SigningKeyRecord> keys;
  while (st.fetch()) {
    SigningKeyRecord copy = k;
    copy.created_at = created;
    copy.retired_at =
        retired_ind == soci::i_ok ? std::optional<std::int64_t>(retired) : std::nullopt;
    copy.publish_until =
        until_ind == soci::i_ok ? std::optional<std::int64_t>(until) : std::nullopt;
    keys.push_back(std::move(copy));
  }
  return keys;
}

void RetireOthers(Connection& sql, const std::string& algorithm, const std::string& keep_kid,
                  std::int64_t now, std::int64_t publish_until) {
  long long t = now;
  long long until = publish_until;
  sql << "UPDATE signing_keys SET retired_at = :t, publish_until = :u WHERE algorithm = :a AND "
         "kid <> :k AND retired_at IS NULL",
      soci::use(t), soci::use(until), soci::use(algorithm), soci::use(keep_kid);
}

}  // namespace gatehouse::key_store
