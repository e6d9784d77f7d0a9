#include "store/passkey_store.hpp"

#include "crypto/random.hpp"
#include "store/connection.hpp"
#include "store/user_columns.hpp"

namespace gatehouse::passkey_store {
namespace {

constexpr const char* kColumns =
    "p.id, p.user_id, p.credential_id, p.public_key, p.algorithm, p.aaguid, p.name, "
    "p.sign_count, p.backup_eligible, p.backed_up, p.user_verified, p.attestation_format, "
    "p.transports, p.created_at, p.last_used_at";

// The columns of kColumns, bound to one record that each fetch overwrites.
struct Row {
  PasskeyRecord p;
  std::string credential_id, public_key, aaguid;
  long long algorithm = 0, sign_count = 0, created = 0, last_used = 0;
  int backup_eligible = 0, backed_up = 0, user_verified = 0;
  soci::indicator last_used_ind = soci::i_null;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(p.id));
    st.exchange(soci::into(p.user_id));
    st.exchange(soci::into(credential_id));
    st.exchange(soci::into(public_key));
    st.exchange(soci::into(algorithm));
    st.exchange(soci::into(aaguid));
    st.exchange(soci::into(p.name));
    st.exchange(soci::into(sign_count));
    st.exchange(soci::into(backup_eligible));
    st.exchange(soci::into(backed_up));
    st.exchange(soci::into(user_verified));
    st.exchange(soci::into(p.attestation_format));
    st.exchange(soci::into(p.transports));
    st.exchange(soci::into(created));
    st.exchange(soci::into(last_used, last_used_ind));
  }
  PasskeyRecord Read() const {
    PasskeyRecord r = p;
    r.credential_id = Base64UrlDecode(credential_id).value_or("");
    r.public_key = Base64UrlDecode(public_key).value_or("");
    r.aaguid = Base64UrlDecode(aaguid).value_or("");
    r.algorithm = algorithm;
    r.sign_count = static_cast<std::uint32_t>(sign_count);
    r.backup_eligible = backup_eligible != 0;
    r.backed_up = backed_up != 0;
    r.user_verified = user_verified != 0;
    r.created_at = created;
    r.last_used_at.reset();
    if (last_used_ind == soci::i_ok) r.last_used_at = last_used;
    return r;
  }
};

// A passkey, its owner and the owner's handle in one query: what every sign-in with a passkey
// starts with.
struct FindWithOwnerStatement {
  std::string credential_id;
  Row row;
  UserColumns owner;
  std::string handle;
  soci::indicator handle_ind = soci::i_null;
  soci::statement statement;
  explicit FindWithOwnerStatement(Connection& sql) : statement(sql) {
    statement.exchange(soci::use(credential_id));
    row.Bind(statement);
    owner.Bind(statement);
    statement.exchange(soci::into(handle, handle_ind));
    statement.alloc();
    statement.prepare(std::string("SELECT ") + kColumns + ", " + UserColumns::kList +
                      ", u.passkey_handle FROM passkeys p JOIN users u ON u.id = p.user_id "
                      "WHERE p.credential_id = :c");
    statement.define_and_bind();
  }
};

struct RecordUseStatement {
  std::string id;
  long long previous = 0, count = 0, now = 0;
  int backed_up = 0;
  soci::statement statement;
  explicit RecordUseStatement(Connection& sql)
      : statement((sql.prepare << "UPDATE passkeys SET sign_count = :n, backed_up = :b, "
                                  "last_used_at = :t WHERE id = :id AND sign_count = :p",
                   soci::use(count), soci::use(backed_up), soci::use(now), soci::use(id),
                   soci::use(previous))) {}
};

bool Changed(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows() > 0;
}

}  // namespace

bool Insert(Connection& sql, const PasskeyRecord& p) {
  std::string credential_id = Base64UrlEncode(p.credential_id);
  std::string public_key = Base64UrlEncode(p.public_key);
  std::string aaguid = Base64UrlEncode(p.aaguid);
  long long algorithm = p.algorithm, sign_count = p.sign_count, created = p.created_at;
  int backup_eligible = p.backup_eligible, backed_up = p.backed_up, user_verified = p.user_verified;
  // ON CONFLICT, not a caught violation: in PostgreSQL a failed statement would abort the
  // surrounding transaction.
  soci::statement st =
      (sql.prepare << "INSERT INTO passkeys (id, user_id, credential_id, public_key, algorithm, "
                      "aaguid, name, sign_count, backup_eligible, backed_up, user_verified, "
                      "attestation_format, transports, created_at) VALUES (:id, :u, :c, :k, :a, "
                      ":g, :n, :s, :be, :bs, :uv, :f, :t, :cr) ON CONFLICT (credential_id) DO "
                      "NOTHING",
       soci::use(p.id), soci::use(p.user_id), soci::use(credential_id), soci::use(public_key),
       soci::use(algorithm), soci::use(aaguid), soci::use(p.name), soci::use(sign_count),
       soci::use(backup_eligible), soci::use(backed_up), soci::use(user_verified),
       soci::use(p.attestation_format), soci::use(p.transports), soci::use(created));
  return Changed(st);
}

std::vector<PasskeyRecord> OfUser(Connection& sql, const std::string& user_id) {
  Row row;
  soci::statement st(sql);
  st.exchange(soci::use(user_id));
  row.Bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kColumns +
             " FROM passkeys p WHERE p.user_id = :u ORDER BY p.created_at, p.id");
  st.define_and_bind();
  st.execute();
  std::vector<PasskeyRecord> passkeys;
  while (st.fetch()) passkeys.push_back(row.Read());
  return passkeys;
}

int CountOf(Connection& sql, const std::string& user_id) {
  int count = 0;
  sql << "SELECT COUNT(*) FROM passkeys WHERE user_id = :u", soci::use(user_id), soci::into(count);
  return count;
}

std::optional<PasskeyOwner> FindWithOwner(Connection& sql, const std::string& credential_id) {
  auto& find = sql.Prepared<FindWithOwnerStatement>();
  find.credential_id = Base64UrlEncode(credential_id);
  if (!sql.ExecuteOnce(find.statement)) return std::nullopt;
  std::string handle;
  if (find.handle_ind == soci::i_ok) handle = Base64UrlDecode(find.handle).value_or("");
  return PasskeyOwner{find.row.Read(), find.owner.Read(), std::move(handle)};
}

bool RecordUse(Connection& sql, const std::string& passkey_id, std::uint32_t previous_count,
               std::uint32_t sign_count, bool backed_up, std::int64_t now) {
  auto& update = sql.Prepared<RecordUseStatement>();
  update.id = passkey_id;
  update.previous = previous_count;
  update.count = sign_count;
  update.backed_up = backed_up ? 1 : 0;
  update.now = now;
  sql.ExecuteOnce(update.statement);
  return update.statement.get_affected_rows() == 1;
}

bool Rename(Connection& sql, const std::string& user_id, const std::string& passkey_id,
            const std::string& name) {
  soci::statement st =
      (sql.prepare << "UPDATE passkeys SET name = :n WHERE id = :id AND user_id = :u",
       soci::use(name), soci::use(passkey_id), soci::use(user_id));
  return Changed(st);
}

std::optional<std::string> Delete(Connection& sql, const std::string& user_id,
                                  const std::string& passkey_id) {
  std::string name;
  soci::statement st =
      (sql.prepare << "DELETE FROM passkeys WHERE id = :id AND user_id = :u RETURNING name",
       soci::use(passkey_id), soci::use(user_id), soci::into(name));
  if (!st.execute(true)) return std::nullopt;
  return name;
}

std::string HandleOf(Connection& sql, const std::string& user_id, const std::string& fresh) {
  std::string encoded = Base64UrlEncode(fresh);
  sql << "UPDATE users SET passkey_handle = :h WHERE id = :id AND passkey_handle IS NULL",
      soci::use(encoded), soci::use(user_id);
  std::string handle;
  soci::indicator ind = soci::i_null;
  sql << "SELECT passkey_handle FROM users WHERE id = :id", soci::use(user_id),
      soci::into(handle, ind);
  if (!sql.got_data() || ind != soci::i_ok) return {};
  return Base64UrlDecode(handle).value_or("");
}

}  // namespace gatehouse::passkey_store
