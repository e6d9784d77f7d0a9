#include "store/client_store.hpp"

#include <sstream>

#include "store/connection.hpp"

namespace gatehouse::client_store {
namespace {

constexpr const char* kColumns =
    "SELECT id, name, secret_hash, redirect_uris, post_logout_redirect_uris, "
    "backchannel_logout_uri, grant_types, first_party, id_token_algorithm, created_at "
    "FROM oauth_clients ";

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; in >> item;) items.push_back(item);
  return items;
}

// The columns of kColumns, bound to one record that each fetch overwrites.
struct Row {
  OAuthClientRecord record;
  std::string secret_hash, redirect_uris, post_logout_redirect_uris, grant_types;
  int first_party = 0;
  long long created = 0;
  soci::indicator secret_ind = soci::i_null;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(record.id));
    st.exchange(soci::into(record.name));
    st.exchange(soci::into(secret_hash, secret_ind));
    st.exchange(soci::into(redirect_uris));
    st.exchange(soci::into(post_logout_redirect_uris));
    st.exchange(soci::into(record.backchannel_logout_uri));
    st.exchange(soci::into(grant_types));
    st.exchange(soci::into(first_party));
    st.exchange(soci::into(record.id_token_algorithm));
    st.exchange(soci::into(created));
  }
  OAuthClientRecord Read() const {
    OAuthClientRecord r = record;
    if (secret_ind == soci::i_ok) r.secret_hash = secret_hash;
    r.redirect_uris = Split(redirect_uris);
    r.post_logout_redirect_uris = Split(post_logout_redirect_uris);
    r.grant_types = Split(grant_types);
    r.first_party = first_party != 0;
    r.created_at = created;
    return r;
  }
};

}  // namespace

void Insert(Connection& sql, const OAuthClientRecord& c) {
  std::string redirect_uris = Join(c.redirect_uris);
  std::string post_logout = Join(c.post_logout_redirect_uris);
  std::string grants = Join(c.grant_types);
  int first_party = c.first_party ? 1 : 0;
  long long created = c.created_at;
  soci::indicator secret_ind = c.secret_hash ? soci::i_ok : soci::i_null;
  std::string secret = c.secret_hash.value_or("");
  sql << "INSERT INTO oauth_clients (id, name, secret_hash, redirect_uris, "
         "post_logout_redirect_uris, backchannel_logout_uri, grant_types, first_party, "
         "id_token_algorithm, created_at) VALUES (:id, :n, :s, :r, :p, :b, :g, :f, :a, :c)",
      soci::use(c.id), soci::use(c.name), soci::use(secret, secret_ind), soci::use(redirect_uris),
      soci::use(post_logout), soci::use(c.backchannel_logout_uri), soci::use(grants),
      soci::use(first_party), soci::use(c.id_token_algorithm), soci::use(created);
}

std::optional<OAuthClientRecord> Find(Connection& sql, const std::string& client_id) {
  Row row;
  soci::statement st(sql);
  st.exchange(soci::use(client_id));
  row.Bind(st);
  st.alloc();
  st.prepare(std::string(kColumns) + "WHERE id = :id");
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) return std::nullopt;
  return row.Read();
}

std::vector<OAuthClientRecord> List(Connection& sql) {
  Row row;
  soci::statement st(sql);
  row.Bind(st);
  st.alloc();
  st.prepare(std::string(kColumns) + "ORDER BY created_at, id");
  st.define_and_bind();
  st.execute();
  std::vector<OAuthClientRecord> clients;
  while (st.fetch()) clients.push_back(row.Read());
  return clients;
}

bool Delete(Connection& sql, const std::string& client_id) {
  soci::statement st =
      (sql.prepare << "DELETE FROM oauth_clients WHERE id = :id", soci::use(client_id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

}  // namespace gatehouse::client_store
