#include "store/user_store.hpp"

#include <charconv>

#include "core/unicode.hpp"
#include "store/connection.hpp"
#include "store/user_columns.hpp"

namespace gatehouse::user_store {
namespace {

// A user by one unique column, prepared once per connection for each column.
template <const char* kColumn>
struct FindByStatement {
  std::string value;
  UserColumns columns;
  soci::statement statement;
  explicit FindByStatement(Connection& sql) : statement(sql) {
    statement.exchange(soci::use(value));
    columns.Bind(statement);
    statement.alloc();
    statement.prepare(std::string("SELECT ") + UserColumns::kList + " FROM users u WHERE u." +
                      kColumn + " = :v");
    statement.define_and_bind();
  }
};

// A session's owner and what a token check needs of the session, in this column order (the
// asynchronous reader below counts on it), ending where the session's id is to be written.
const std::string& SessionOwnerSelect() {
  static const std::string sql = std::string("SELECT ") + UserColumns::kList +
                                 ", s.access_jti, s.refresh_expires_at FROM sessions s JOIN "
                                 "users u ON u.id = s.user_id WHERE s.id = ";
  return sql;
}

// kLocked: the session's row is also locked against deletion until the transaction ends
// (PostgreSQL; on SQLite the transaction's write lock keeps every other writer out).
template <bool kLocked>
struct FindBySessionStatement {
  std::string session_id;
  UserColumns columns;
  std::string access_jti;
  long long refresh_expires = 0;
  soci::statement statement;
  explicit FindBySessionStatement(Connection& sql) : statement(sql) {
    statement.exchange(soci::use(session_id));
    columns.Bind(statement);
    statement.exchange(soci::into(access_jti));
    statement.exchange(soci::into(refresh_expires));
    statement.alloc();
    statement.prepare(SessionOwnerSelect() + ":sid" +
                      (kLocked && !sql.is_sqlite() ? " FOR SHARE OF s" : ""));
    statement.define_and_bind();
  }
};

constexpr char kEmail[] = "email";
constexpr char kId[] = "id";

template <const char* kColumn>
std::optional<UserRecord> FindBy(Connection& sql, const std::string& value) {
  auto& find = sql.Prepared<FindByStatement<kColumn>>();
  find.value = value;
  if (!sql.ExecuteOnce(find.statement)) return std::nullopt;
  return find.columns.Read();
}

}  // namespace

std::optional<UserRecord> FindByEmail(Connection& sql, const std::string& email) {
  return FindBy<kEmail>(sql, email);
}

std::optional<UserRecord> FindById(Connection& sql, const std::string& id) {
  return FindBy<kId>(sql, id);
}

namespace {

template <bool kLocked>
std::optional<SessionOwner> FindOwner(Connection& sql, const std::string& session_id) {
  auto& find = sql.Prepared<FindBySessionStatement<kLocked>>();
  find.session_id = session_id;
  if (!sql.ExecuteOnce(find.statement)) return std::nullopt;
  return SessionOwner{find.columns.Read(), find.access_jti, find.refresh_expires};
}

}  // namespace

std::optional<SessionOwner> FindBySession(Connection& sql, const std::string& session_id) {
  return FindOwner<false>(sql, session_id);
}

std::optional<SessionOwner> LockSessionOwner(Connection& sql, const std::string& session_id) {
  return FindOwner<true>(sql, session_id);
}

bool Insert(Connection& sql, const UserRecord& u) {
  int verified = u.email_verified ? 1 : 0;
  long long created = u.created_at;
  long long updated = u.updated_at;
  std::string name_key = SearchKey(u.name);
  // ON CONFLICT instead of catching the violation: in PostgreSQL a failed statement would
  // abort the surrounding transaction.
  soci::statement st =
      (sql.prepare << "INSERT INTO users (id, email, name, name_key, password_hash, "
                      "email_verified, role, created_at, updated_at, second_factors) VALUES (:id, "
                      ":email, :name, :key, :hash, :verified, :role, :created, :updated, "
                      ":factors) ON CONFLICT (email) DO NOTHING",
       soci::use(u.id), soci::use(u.email), soci::use(u.name), soci::use(name_key),
       soci::use(u.password_hash), soci::use(verified), soci::use(u.role), soci::use(created),
       soci::use(updated), soci::use(u.second_factors));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

void UpdateProfile(Connection& sql, const UserRecord& u) {
  int verified = u.email_verified ? 1 : 0;
  long long updated = u.updated_at;
  std::string name_key = SearchKey(u.name);
  sql << "UPDATE users SET name = :n, name_key = :k, role = :r, email_verified = :v, "
         "updated_at = :t WHERE id = :id",
      soci::use(u.name), soci::use(name_key), soci::use(u.role), soci::use(verified),
      soci::use(updated), soci::use(u.id);
}

bool ChangeEmail(Connection& sql, const std::string& user_id, const std::string& email,
                 std::int64_t now) {
  long long t = now;
  // The NOT EXISTS instead of catching the violation, as in Insert.
  soci::statement st =
      (sql.prepare << "UPDATE users SET email = :e, email_verified = 1, updated_at = :t "
                      "WHERE id = :id AND NOT EXISTS (SELECT 1 FROM users WHERE email = :e2)",
       soci::use(email), soci::use(t), soci::use(user_id), soci::use(email));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

void SetDisabled(Connection& sql, const std::string& user_id, std::int64_t at, std::int64_t now) {
  long long when = at, t = now;
  soci::indicator ind = at > 0 ? soci::i_ok : soci::i_null;
  sql << "UPDATE users SET disabled_at = :d, updated_at = :t WHERE id = :id", soci::use(when, ind),
      soci::use(t), soci::use(user_id);
}

void Delete(Connection& sql, const std::string& user_id) {
  sql << "DELETE FROM users WHERE id = :id", soci::use(user_id);
}

int CountActiveAdminsExcept(Connection& sql, const std::string& except_user_id) {
  int count = 0;
  sql << "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> :id",
      soci::use(except_user_id), soci::into(count);
  return count;
}

namespace {

// The values a listing binds, in the order of their placeholders (each named by its place:
// SQLite takes a name given twice for one parameter).
struct Bindings {
  std::vector<std::string> values;
  std::string Add(std::string value) {
    values.push_back(std::move(value));
    return ":p" + std::to_string(values.size());
  }
};

// The WHERE clause of a listing, but its search. Booleans are written out, so that a filter
// for the rare state matches the partial index made for it.
std::string ListConditions(const UserFilter& f, Bindings& bind) {
  std::string where = " WHERE 1 = 1";
  if (!f.role.empty()) where += " AND u.role = " + bind.Add(f.role);
  if (f.disabled) {
    where += *f.disabled ? " AND u.disabled_at IS NOT NULL" : " AND u.disabled_at IS NULL";
  }
  if (f.email_verified) {
    where += *f.email_verified ? " AND u.email_verified = 1" : " AND u.email_verified = 0";
  }
  if (!f.after_email.empty()) where += " AND u.email > " + bind.Add(f.after_email);
  return where;
}

// A name prefix that this many users share is common: the first page of its matches in e-mail
// order is found sooner by walking the e-mail order than by sorting them all. Either way reads
// at most about this many rows (a million users: one in 50 shares the prefix, the walk reads
// some 5,000 of them to find 100; a rarer prefix's matches are read from the index alone).
constexpr int kCommonNamePrefix = 20000;

// Whether at least kCommonNamePrefix users have a name_key in [from, to).
bool IsCommonNamePrefix(Connection& sql, const std::string& from, const std::string& to) {
  int count = 0;
  const std::string query =
      "SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE name_key >= :f AND name_key < :t LIMIT " +
      std::to_string(kCommonNamePrefix) + ") AS matches";
  sql << query, soci::use(from), soci::use(to), soci::into(count);
  return count >= kCommonNamePrefix;
}

}  // namespace

std::vector<UserRecord> List(Connection& sql, const UserFilter& f) {
  Bindings bind;
  const std::string select = std::string("SELECT ") + UserColumns::kList + " FROM users u";
  const std::string limit = " ORDER BY u.email LIMIT " + std::to_string(f.limit);
  std::string query;
  if (f.prefix.empty()) {
    query = select + ListConditions(f, bind) + limit;
  } else {
    // One range scan per index, each cut to a page, then merged: a single query with OR would
    // let the planner walk the whole e-mail index for a rare prefix. U+10FFFF ends the range:
    // nothing that begins with the prefix sorts after prefix + the last code point.
    const std::string end = f.prefix + "\xF4\x8F\xBF\xBF";
    auto range = [&](const std::string& column) {  // two statements: placeholders in order
      std::string where = " AND " + column + " >= " + bind.Add(f.prefix);
      where += " AND " + column + " < " + bind.Add(end);
      return where;
    };
    std::string by_email = select + ListConditions(f, bind);
    by_email += range("u.email") + limit;
    std::string by_name;
    if (IsCommonNamePrefix(sql, f.prefix, end)) {
      // An expression of the column, so that neither database uses the name index here.
      by_name = select + ListConditions(f, bind);
      by_name += range("(u.name_key || '')") + limit;
    } else {
      // The page's e-mail addresses from the (name_key, email) index, then their rows.
      by_name = select + " WHERE u.email IN (SELECT u.email FROM users u" + ListConditions(f, bind);
      by_name += range("u.name_key") + limit + ")";
    }
    query = "SELECT * FROM (" + by_email + ") AS by_email UNION SELECT * FROM (" + by_name +
            ") AS by_name ORDER BY email LIMIT " + std::to_string(f.limit);
  }
  UserColumns columns;
  soci::statement st(sql);
  for (const std::string& value : bind.values) st.exchange(soci::use(value));
  columns.Bind(st);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  st.execute();
  std::vector<UserRecord> users;
  while (st.fetch()) users.push_back(columns.Read());
  return users;
}

void SetSecondFactors(Connection& sql, const std::string& user_id, const std::string& methods) {
  sql << "UPDATE users SET second_factors = :m WHERE id = :id", soci::use(methods),
      soci::use(user_id);
}

void MarkEmailVerified(Connection& sql, const std::string& user_id, std::int64_t now) {
  long long t = now;
  sql << "UPDATE users SET email_verified = 1, updated_at = :t WHERE id = :id", soci::use(t),
      soci::use(user_id);
}

void UpdatePasswordHash(Connection& sql, const std::string& user_id, const std::string& hash,
                        std::int64_t now) {
  long long t = now;
  sql << "UPDATE users SET password_hash = :h, updated_at = :t WHERE id = :id", soci::use(hash),
      soci::use(t), soci::use(user_id);
}

const char* const kFindBySessionName = "gatehouse_session_owner";

const char* FindBySessionPostgres() {
  static const std::string sql = SessionOwnerSelect() + "$1";
  return sql.c_str();
}

Result<std::optional<SessionOwner>> SessionOwnerFromRows(const std::vector<PgRow>& rows) {
  if (rows.empty()) return std::optional<SessionOwner>();
  const PgRow& row = rows.front();
  auto text = [&row](std::size_t i) -> const std::string& {
    static const std::string kEmpty;
    return i < row.size() && row[i] ? *row[i] : kEmpty;
  };
  auto number = [&](std::size_t i, std::int64_t& out) {
    const std::string& t = text(i);
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && end == t.data() + t.size();
  };
  SessionOwner owner;
  std::int64_t verified = 0;
  if (row.size() != 12 || !number(4, verified) || !number(6, owner.user.created_at) ||
      !number(7, owner.user.updated_at) || !number(9, owner.user.disabled_at) ||
      !number(11, owner.refresh_expires_at)) {
    return MakeError(Errc::kInternal, "session owner: unexpected row");
  }
  owner.user.id = text(0);
  owner.user.email = text(1);
  owner.user.name = text(2);
  owner.user.password_hash = text(3);
  owner.user.email_verified = verified != 0;
  owner.user.role = text(5);
  owner.user.second_factors = text(8);
  owner.access_jti = text(10);
  return std::optional<SessionOwner>(std::move(owner));
}

}  // namespace gatehouse::user_store
