#include "store/event_store.hpp"

#include "crypto/random.hpp"
#include "store/connection.hpp"

namespace gatehouse::event_store {
namespace {

constexpr const char* kColumns =
    "id, created_at, type, user_id, actor_id, session_id, ip_address, user_agent, device, "
    "country, location, detail";

// An empty id is stored as NULL: no account, no actor, no session.
soci::indicator NullIfEmpty(const std::string& value) {
  return value.empty() ? soci::i_null : soci::i_ok;
}

// The columns of kColumns, bound to one record that each fetch overwrites.
struct Row {
  EventRecord e;
  long long created = 0;
  soci::indicator user_ind = soci::i_null, actor_ind = soci::i_null, session_ind = soci::i_null;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(e.id));
    st.exchange(soci::into(created));
    st.exchange(soci::into(e.type));
    st.exchange(soci::into(e.user_id, user_ind));
    st.exchange(soci::into(e.actor_id, actor_ind));
    st.exchange(soci::into(e.session_id, session_ind));
    st.exchange(soci::into(e.ip_address));
    st.exchange(soci::into(e.user_agent));
    st.exchange(soci::into(e.device));
    st.exchange(soci::into(e.country));
    st.exchange(soci::into(e.location));
    st.exchange(soci::into(e.detail));
  }
  EventRecord Read() const {
    EventRecord r = e;
    r.created_at = created;
    if (user_ind != soci::i_ok) r.user_id.clear();
    if (actor_ind != soci::i_ok) r.actor_id.clear();
    if (session_ind != soci::i_ok) r.session_id.clear();
    return r;
  }
};

// Prepared once per connection (Connection::Prepared): every sign-in appends one.
struct InsertStatement {
  EventRecord e;
  long long created = 0;
  soci::indicator user_ind = soci::i_null, actor_ind = soci::i_null, session_ind = soci::i_null;
  soci::statement statement;
  explicit InsertStatement(Connection& sql)
      : statement((sql.prepare << "INSERT INTO events (id, created_at, type, user_id, actor_id, "
                                  "session_id, ip_address, user_agent, device, country, location, "
                                  "detail) VALUES (:id, :t, :ty, :u, :a, :s, :ip, :ua, :d, :c, "
                                  ":l, :x)",
                   soci::use(e.id), soci::use(created), soci::use(e.type),
                   soci::use(e.user_id, user_ind), soci::use(e.actor_id, actor_ind),
                   soci::use(e.session_id, session_ind), soci::use(e.ip_address),
                   soci::use(e.user_agent), soci::use(e.device), soci::use(e.country),
                   soci::use(e.location), soci::use(e.detail))) {}
};

}  // namespace

void Append(Connection& sql, const EventRecord& e) {
  auto& insert = sql.Prepared<InsertStatement>();
  insert.e = e;
  insert.created = e.created_at;
  insert.user_ind = NullIfEmpty(e.user_id);
  insert.actor_ind = NullIfEmpty(e.actor_id);
  insert.session_ind = NullIfEmpty(e.session_id);
  sql.ExecuteOnce(insert.statement);
}

std::vector<EventRecord> List(Connection& sql, const EventQuery& q) {
  // The values bound, in the order of their placeholders.
  std::vector<std::string> values;
  std::string where = " WHERE 1 = 1";
  auto add = [&](const std::string& condition, std::string value) {
    values.push_back(std::move(value));
    where += " AND " + condition + " :p" + std::to_string(values.size());
  };
  if (!q.user_id.empty()) add("user_id =", q.user_id);
  if (!q.type.empty()) add("type =", q.type);
  // Ids begin with their time: a time range is a range of ids.
  if (q.since_millis > 0) add("id >=", TimeOrderedIdBound(q.since_millis));
  if (q.until_millis > 0) add("id <", TimeOrderedIdBound(q.until_millis));
  if (!q.before_id.empty()) add("id <", q.before_id);
  Row row;
  soci::statement st(sql);
  for (const std::string& value : values) st.exchange(soci::use(value));
  row.Bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kColumns + " FROM events" + where +
             " ORDER BY id DESC LIMIT " + std::to_string(q.limit));
  st.define_and_bind();
  st.execute();
  std::vector<EventRecord> events;
  while (st.fetch()) events.push_back(row.Read());
  return events;
}

long long DeleteBefore(Connection& sql, std::int64_t cutoff_millis) {
  std::string bound = TimeOrderedIdBound(cutoff_millis);
  soci::statement st = (sql.prepare << "DELETE FROM events WHERE id < :b", soci::use(bound));
  st.execute(true);
  return st.get_affected_rows();
}

void ForgetPersonalData(Connection& sql, const std::string& user_id) {
  sql << "UPDATE events SET ip_address = '', user_agent = '', device = '', country = '', "
         "location = '', detail = '{}' WHERE user_id = :u",
      soci::use(user_id);
}

}  // namespace gatehouse::event_store
