#include "store/session_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::session_store {
namespace {

// Joined with the owner's role so that a refresh reads everything it needs at once.
constexpr const char* kSelect =
    "SELECT s.id, s.user_id, s.remember_me, s.amr, s.access_jti, s.refresh_jti, "
    "s.access_expires_at, s.refresh_expires_at, s.previous_refresh_jti, s.rotated_at, "
    "s.login_time, s.login_user_agent, s.login_ip_address, s.last_active, "
    "s.last_user_agent, s.last_ip_address, u.role, s.client_id, s.scope, s.parent_session_id, "
    "s.auth_time "
    "FROM sessions s JOIN users u ON u.id = s.user_id ";

// Gatehouse's own sessions, not grants to clients: what the sessions lists show.
constexpr const char* kOwnSessions = "s.client_id IS NULL";

// The columns of kSelect, bound to one record that each fetch overwrites.
struct Row {
  SessionRecord s;
  int remember = 0;
  long long access_exp = 0, refresh_exp = 0, rotated = 0, login_time = 0, last_active = 0,
            auth_time = 0;
  std::string previous, client_id, parent;
  soci::indicator previous_ind = soci::i_null, rotated_ind = soci::i_null,
                  client_ind = soci::i_null, parent_ind = soci::i_null;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(s.id));
    st.exchange(soci::into(s.user_id));
    st.exchange(soci::into(remember));
    st.exchange(soci::into(s.amr));
    st.exchange(soci::into(s.access_jti));
    st.exchange(soci::into(s.refresh_jti));
    st.exchange(soci::into(access_exp));
    st.exchange(soci::into(refresh_exp));
    st.exchange(soci::into(previous, previous_ind));
    st.exchange(soci::into(rotated, rotated_ind));
    st.exchange(soci::into(login_time));
    st.exchange(soci::into(s.login_user_agent));
    st.exchange(soci::into(s.login_ip_address));
    st.exchange(soci::into(last_active));
    st.exchange(soci::into(s.last_user_agent));
    st.exchange(soci::into(s.last_ip_address));
    st.exchange(soci::into(s.user_role));
    st.exchange(soci::into(client_id, client_ind));
    st.exchange(soci::into(s.scope));
    st.exchange(soci::into(parent, parent_ind));
    st.exchange(soci::into(auth_time));
  }
  SessionRecord Read() const {
    SessionRecord r = s;
    r.remember_me = remember != 0;
    r.access_expires_at = access_exp;
    r.refresh_expires_at = refresh_exp;
    r.previous_refresh_jti.reset();
    r.rotated_at.reset();
    if (previous_ind == soci::i_ok) r.previous_refresh_jti = previous;
    if (rotated_ind == soci::i_ok) r.rotated_at = rotated;
    r.login_time = login_time;
    r.last_active = last_active;
    r.client_id = client_ind == soci::i_ok ? client_id : "";
    r.parent_session_id = parent_ind == soci::i_ok ? parent : "";
    r.auth_time = auth_time;
    return r;
  }
};

// The hot statements, prepared once per connection (Connection::Prepared): each owns the
// variables its statement binds.
struct InsertStatement {
  SessionRecord s;
  int remember = 0;
  long long access_exp = 0, refresh_exp = 0, login_time = 0, last_active = 0, auth_time = 0;
  soci::indicator client_ind = soci::i_null, parent_ind = soci::i_null;
  soci::statement statement;
  explicit InsertStatement(Connection& sql)
      : statement(
            (sql.prepare << std::string(
                                "INSERT INTO sessions (id, user_id, remember_me, amr, access_jti, "
                                "refresh_jti, access_expires_at, refresh_expires_at, login_time, "
                                "login_user_agent, login_ip_address, last_active, "
                                "last_user_agent, last_ip_address, client_id, scope, "
                                "parent_session_id, auth_time) SELECT :id, u.id, :rm, :amr, :aj, "
                                ":rj, :ae, :re, :lt, :lua, :lip, :la, :lastua, :lastip, :cid, "
                                ":scope, :parent, :at FROM users u WHERE u.id = :uid AND "
                                "u.disabled_at IS NULL") +
                                // Disabling the account waits for this sign-in to commit (and
                                // then revokes its session), or this sign-in for the disabling
                                // — and then finds the account disabled.
                                (sql.is_sqlite() ? "" : " FOR SHARE"),
             soci::use(s.id), soci::use(remember), soci::use(s.amr), soci::use(s.access_jti),
             soci::use(s.refresh_jti), soci::use(access_exp), soci::use(refresh_exp),
             soci::use(login_time), soci::use(s.login_user_agent), soci::use(s.login_ip_address),
             soci::use(last_active), soci::use(s.last_user_agent), soci::use(s.last_ip_address),
             soci::use(s.client_id, client_ind), soci::use(s.scope),
             soci::use(s.parent_session_id, parent_ind), soci::use(auth_time),
             soci::use(s.user_id))) {}
};

struct FindStatement {
  std::string id;
  Row row;
  soci::statement statement;
  explicit FindStatement(Connection& sql) : statement(sql) {
    statement.exchange(soci::use(id));
    row.Bind(statement);
    statement.alloc();
    statement.prepare(std::string(kSelect) + "WHERE s.id = :id");
    statement.define_and_bind();
  }
};

struct AccessJtiStatement {
  std::string id, access_jti;
  soci::statement statement;
  explicit AccessJtiStatement(Connection& sql)
      : statement((sql.prepare << "SELECT access_jti FROM sessions WHERE id = :id", soci::use(id),
                   soci::into(access_jti))) {}
};

struct RotateStatement {
  Rotation r;
  long long access_exp = 0, refresh_exp = 0, now = 0;
  soci::statement statement;
  explicit RotateStatement(Connection& sql)
      : statement((
            sql.prepare << "UPDATE sessions SET access_jti = :aj, refresh_jti = :rj, "
                           "previous_refresh_jti = refresh_jti, rotated_at = :now, "
                           "access_expires_at = :ae, refresh_expires_at = :re, "
                           "last_active = :now2, last_user_agent = :ua, last_ip_address = :ip "
                           "WHERE id = :id AND refresh_jti = :expected",
            soci::use(r.new_access_jti), soci::use(r.new_refresh_jti), soci::use(now),
            soci::use(access_exp), soci::use(refresh_exp), soci::use(now), soci::use(r.user_agent),
            soci::use(r.ip_address), soci::use(r.session_id), soci::use(r.expected_refresh_jti))) {}
};

struct ActivityStatement {
  std::string id, user_agent, ip_address;
  long long now = 0;
  soci::statement statement;
  explicit ActivityStatement(Connection& sql)
      : statement((sql.prepare << "UPDATE sessions SET last_active = :t, last_user_agent = :ua, "
                                  "last_ip_address = :ip WHERE id = :id",
                   soci::use(now), soci::use(user_agent), soci::use(ip_address), soci::use(id))) {}
};

struct DeleteStatement {
  std::string id;
  soci::statement statement;
  explicit DeleteStatement(Connection& sql)
      : statement((sql.prepare << "DELETE FROM sessions WHERE id = :id", soci::use(id))) {}
};

}  // namespace

bool Insert(Connection& sql, const SessionRecord& s) {
  auto& insert = sql.Prepared<InsertStatement>();
  insert.s = s;
  insert.remember = s.remember_me ? 1 : 0;
  insert.access_exp = s.access_expires_at;
  insert.refresh_exp = s.refresh_expires_at;
  insert.login_time = s.login_time;
  insert.last_active = s.last_active;
  insert.auth_time = s.auth_time;
  insert.client_ind = s.client_id.empty() ? soci::i_null : soci::i_ok;
  insert.parent_ind = s.parent_session_id.empty() ? soci::i_null : soci::i_ok;
  sql.ExecuteOnce(insert.statement);
  return insert.statement.get_affected_rows() == 1;
}

std::optional<SessionRecord> Find(Connection& sql, const std::string& session_id) {
  auto& find = sql.Prepared<FindStatement>();
  find.id = session_id;
  if (!sql.ExecuteOnce(find.statement)) return std::nullopt;
  return find.row.Read();
}

std::optional<std::string> CurrentAccessJti(Connection& sql, const std::string& session_id) {
  auto& select = sql.Prepared<AccessJtiStatement>();
  select.id = session_id;
  if (!sql.ExecuteOnce(select.statement)) return std::nullopt;
  return select.access_jti;
}

std::vector<SessionRecord> ListLive(Connection& sql, const std::string& user_id, std::int64_t now) {
  long long t = now;
  Row row;
  soci::statement st(sql);
  st.exchange(soci::use(user_id));
  st.exchange(soci::use(t));
  row.Bind(st);
  st.alloc();
  st.prepare(std::string(kSelect) + "WHERE s.user_id = :uid AND s.refresh_expires_at > :now AND " +
             kOwnSessions + " ORDER BY s.last_active DESC, s.login_time DESC, s.id");
  st.define_and_bind();
  st.execute();
  std::vector<SessionRecord> sessions;
  while (st.fetch()) sessions.push_back(row.Read());
  return sessions;
}

std::vector<SessionRecord> ListLiveFirst(Connection& sql, const std::string& user_id,
                                         std::int64_t now, const std::string& first, int limit) {
  long long t = now;
  Row row;
  soci::statement st(sql);
  st.exchange(soci::use(user_id));
  st.exchange(soci::use(t));
  st.exchange(soci::use(first));
  st.exchange(soci::use(limit));
  row.Bind(st);
  st.alloc();
  // (s.id = :first) is 1/true for that one row: DESC puts it first in SQLite and PostgreSQL.
  st.prepare(std::string(kSelect) + "WHERE s.user_id = :uid AND s.refresh_expires_at > :now AND " +
             kOwnSessions +
             " ORDER BY (s.id = :first) DESC, s.last_active DESC, s.login_time DESC, s.id "
             "LIMIT :lim");
  st.define_and_bind();
  st.execute();
  std::vector<SessionRecord> sessions;
  while (st.fetch()) sessions.push_back(row.Read());
  return sessions;
}

long long CountLiveOfUser(Connection& sql, const std::string& user_id, std::int64_t now) {
  long long t = now;
  long long count = 0;
  sql << "SELECT COUNT(*) FROM sessions s WHERE s.user_id = :uid AND s.refresh_expires_at > :t "
         "AND " +
             std::string(kOwnSessions),
      soci::use(user_id), soci::use(t), soci::into(count);
  return count;
}

void RecordActivity(Connection& sql, const std::string& session_id, std::int64_t now,
                    const std::string& user_agent, const std::string& ip_address) {
  auto& update = sql.Prepared<ActivityStatement>();
  update.id = session_id;
  update.now = now;
  update.user_agent = user_agent;
  update.ip_address = ip_address;
  sql.ExecuteOnce(update.statement);
}

bool Rotate(Connection& sql, const Rotation& r) {
  auto& rotate = sql.Prepared<RotateStatement>();
  rotate.r = r;
  rotate.access_exp = r.access_expires_at;
  rotate.refresh_exp = r.refresh_expires_at;
  rotate.now = r.now;
  sql.ExecuteOnce(rotate.statement);
  return rotate.statement.get_affected_rows() == 1;
}

std::vector<std::string> IdsOfUser(Connection& sql, const std::string& user_id) {
  std::string id;
  std::vector<std::string> ids;
  soci::statement st = (sql.prepare << "SELECT id FROM sessions WHERE user_id = :uid",
                        soci::use(user_id), soci::into(id));
  st.execute();
  while (st.fetch()) ids.push_back(id);
  return ids;
}

namespace {

// The live grants whose `column` is `value`, newest first.
std::vector<SessionRecord> GrantsOf(Connection& sql, const char* column, const std::string& value,
                                    std::int64_t now) {
  long long t = now;
  Row row;
  soci::statement st(sql);
  st.exchange(soci::use(value));
  st.exchange(soci::use(t));
  row.Bind(st);
  st.alloc();
  st.prepare(std::string(kSelect) + "WHERE s." + column +
             " = :v AND s.client_id IS NOT NULL AND s.refresh_expires_at > :now "
             "ORDER BY s.login_time DESC, s.id");
  st.define_and_bind();
  st.execute();
  std::vector<SessionRecord> grants;
  while (st.fetch()) grants.push_back(row.Read());
  return grants;
}

}  // namespace

std::vector<SessionRecord> GrantsMadeIn(Connection& sql, const std::string& parent_session_id,
                                        std::int64_t now) {
  return GrantsOf(sql, "parent_session_id", parent_session_id, now);
}

std::vector<SessionRecord> GrantsOfUser(Connection& sql, const std::string& user_id,
                                        std::int64_t now) {
  return GrantsOf(sql, "user_id", user_id, now);
}

std::vector<std::string> IdsOfClient(Connection& sql, const std::string& client_id) {
  std::string id;
  std::vector<std::string> ids;
  soci::statement st = (sql.prepare << "SELECT id FROM sessions WHERE client_id = :cid",
                        soci::use(client_id), soci::into(id));
  st.execute();
  while (st.fetch()) ids.push_back(id);
  return ids;
}

bool Delete(Connection& sql, const std::string& session_id) {
  auto& remove = sql.Prepared<DeleteStatement>();
  remove.id = session_id;
  sql.ExecuteOnce(remove.statement);
  return remove.statement.get_affected_rows() > 0;
}

long long CountLive(Connection& sql, std::int64_t now) {
  long long t = now;
  long long count = 0;
  sql << "SELECT COUNT(*) FROM sessions WHERE refresh_expires_at > :t", soci::use(t),
      soci::into(count);
  return count;
}

long long DeleteExpired(Connection& sql, std::int64_t now) {
  long long t = now;
  soci::statement st =
      (sql.prepare << "DELETE FROM sessions WHERE refresh_expires_at <= :t", soci::use(t));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::session_store
