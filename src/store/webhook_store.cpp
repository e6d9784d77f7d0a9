#include "store/webhook_store.hpp"

#include <utility>

#include "core/comma_list.hpp"
#include "store/connection.hpp"

namespace gatehouse::webhook_store {
namespace {

constexpr const char* kWebhookColumns =
    "id, url, description, events, secret_sealed, created_by, created_at";

constexpr const char* kDeliveryColumns =
    "id, webhook_id, event_id, event_type, user_id, payload, created_at, attempts, "
    "last_attempt_at, last_status, last_error, delivered_at, failed_at";

// The columns of kWebhookColumns, bound to one record that each fetch overwrites.
struct WebhookRow {
  WebhookRecord w;
  std::string events;
  long long created = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(w.id));
    st.exchange(soci::into(w.url));
    st.exchange(soci::into(w.description));
    st.exchange(soci::into(events));
    st.exchange(soci::into(w.secret_sealed));
    st.exchange(soci::into(w.created_by));
    st.exchange(soci::into(created));
  }
  WebhookRecord Read() const {
    WebhookRecord r = w;
    r.events = SplitCommas(events);
    r.created_at = created;
    return r;
  }
};

// The columns of kDeliveryColumns, the same way.
struct DeliveryRow {
  WebhookDeliveryRecord d;
  long long created = 0, last_attempt = 0, delivered = 0, failed = 0;
  int attempts = 0, status = 0;
  soci::indicator user_ind = soci::i_null, last_attempt_ind = soci::i_null,
                  delivered_ind = soci::i_null, failed_ind = soci::i_null;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(d.id));
    st.exchange(soci::into(d.webhook_id));
    st.exchange(soci::into(d.event_id));
    st.exchange(soci::into(d.event_type));
    st.exchange(soci::into(d.user_id, user_ind));
    st.exchange(soci::into(d.payload));
    st.exchange(soci::into(created));
    st.exchange(soci::into(attempts));
    st.exchange(soci::into(last_attempt, last_attempt_ind));
    st.exchange(soci::into(status));
    st.exchange(soci::into(d.last_error));
    st.exchange(soci::into(delivered, delivered_ind));
    st.exchange(soci::into(failed, failed_ind));
  }
  WebhookDeliveryRecord Read() const {
    WebhookDeliveryRecord r = d;
    if (user_ind != soci::i_ok) r.user_id.clear();
    r.created_at = created;
    r.attempts = attempts;
    r.last_status = status;
    auto optional = [](long long value, soci::indicator ind) {
      return ind == soci::i_ok ? std::optional<std::int64_t>(value) : std::nullopt;
    };
    r.last_attempt_at = optional(last_attempt, last_attempt_ind);
    r.delivered_at = optional(delivered, delivered_ind);
    r.failed_at = optional(failed, failed_ind);
    return r;
  }
};

// The records of `query`, whose placeholders take `values` in order.
template <typename Row, typename Record = decltype(std::declval<Row>().Read())>
std::vector<Record> Select(Connection& sql, const std::string& query,
                           const std::vector<std::string>& values) {
  Row row;
  soci::statement st(sql);
  for (const std::string& value : values) st.exchange(soci::use(value));
  row.Bind(st);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  st.execute();
  std::vector<Record> records;
  while (st.fetch()) records.push_back(row.Read());
  return records;
}

}  // namespace

void Insert(Connection& sql, const WebhookRecord& w) {
  long long created = w.created_at;
  std::string events = JoinWithCommas(w.events);
  sql << "INSERT INTO webhooks (id, url, description, events, secret_sealed, created_by, "
         "created_at) VALUES (:i, :u, :d, :e, :s, :b, :c)",
      soci::use(w.id), soci::use(w.url), soci::use(w.description), soci::use(events),
      soci::use(w.secret_sealed), soci::use(w.created_by), soci::use(created);
}

std::vector<WebhookRecord> All(Connection& sql) {
  return Select<WebhookRow>(
      sql, std::string("SELECT ") + kWebhookColumns + " FROM webhooks ORDER BY created_at, id", {});
}

std::optional<WebhookRecord> Find(Connection& sql, const std::string& id) {
  auto found = Select<WebhookRow>(
      sql, std::string("SELECT ") + kWebhookColumns + " FROM webhooks WHERE id = :i", {id});
  if (found.empty()) return std::nullopt;
  return found.front();
}

bool Delete(Connection& sql, const std::string& id) {
  soci::statement st = (sql.prepare << "DELETE FROM webhooks WHERE id = :i", soci::use(id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

bool UserExists(Connection& sql, const std::string& user_id) {
  int count = 0;
  sql << "SELECT COUNT(*) FROM users WHERE id = :u", soci::use(user_id), soci::into(count);
  return count > 0;
}

void InsertDelivery(Connection& sql, const WebhookDeliveryRecord& d) {
  long long created = d.created_at;
  soci::indicator user_ind = d.user_id.empty() ? soci::i_null : soci::i_ok;
  // ON CONFLICT … DO NOTHING: the same in SQLite (3.24+) and PostgreSQL.
  sql << "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, user_id, "
         "payload, created_at) VALUES (:i, :w, :e, :t, :u, :p, :c) "
         "ON CONFLICT (webhook_id, event_id, event_type) DO NOTHING",
      soci::use(d.id), soci::use(d.webhook_id), soci::use(d.event_id), soci::use(d.event_type),
      soci::use(d.user_id, user_ind), soci::use(d.payload), soci::use(created);
}

std::optional<WebhookDeliveryRecord> FindDelivery(Connection& sql, const std::string& id) {
  auto found = Select<DeliveryRow>(
      sql, std::string("SELECT ") + kDeliveryColumns + " FROM webhook_deliveries WHERE id = :i",
      {id});
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::vector<WebhookDeliveryRecord> Deliveries(Connection& sql, const std::string& webhook_id,
                                              const std::string& before_id, int limit) {
  std::vector<std::string> values{webhook_id};
  std::string where = " WHERE webhook_id = :w";
  if (!before_id.empty()) {
    values.push_back(before_id);
    where += " AND id < :b";
  }
  return Select<DeliveryRow>(sql,
                             std::string("SELECT ") + kDeliveryColumns +
                                 " FROM webhook_deliveries" + where + " ORDER BY id DESC LIMIT " +
                                 std::to_string(limit),
                             values);
}

void RecordAttempt(Connection& sql, const std::string& id, std::int64_t at, int status,
                   const std::string& error, bool delivered) {
  long long t = at;
  soci::indicator delivered_ind = delivered ? soci::i_ok : soci::i_null;
  sql << "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = :t, "
         "last_status = :s, last_error = :e, delivered_at = :d WHERE id = :i",
      soci::use(t), soci::use(status), soci::use(error), soci::use(t, delivered_ind), soci::use(id);
}

void MarkFailed(Connection& sql, const std::string& id, std::int64_t at) {
  long long t = at;
  sql << "UPDATE webhook_deliveries SET failed_at = :t WHERE id = :i", soci::use(t), soci::use(id);
}

bool Unfail(Connection& sql, const std::string& id) {
  soci::statement st = (sql.prepare << "UPDATE webhook_deliveries SET failed_at = NULL WHERE id = "
                                       ":i AND failed_at IS NOT NULL",
                        soci::use(id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

long long DeleteFinishedBefore(Connection& sql, std::int64_t cutoff) {
  long long t = cutoff;
  soci::statement st = (sql.prepare << "DELETE FROM webhook_deliveries WHERE created_at < :t AND "
                                       "(delivered_at IS NOT NULL OR failed_at IS NOT NULL)",
                        soci::use(t));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::webhook_store
