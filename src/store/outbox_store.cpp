#include "store/outbox_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::outbox_store {

void Enqueue(Connection& sql, const OutboxMessage& m) {
  long long created = m.created_at;
  long long next = m.next_attempt_at;
  sql << "INSERT INTO outbox (id, channel, recipient, subject, text_body, html_body, created_at, "
         "attempts, next_attempt_at) VALUES (:id, :ch, :r, :s, :t, :h, :c, 0, :n)",
      soci::use(m.id), soci::use(m.channel), soci::use(m.recipient), soci::use(m.subject),
      soci::use(m.text_body), soci::use(m.html_body), soci::use(created), soci::use(next);
}

std::vector<OutboxMessage> Due(Connection& sql, std::int64_t now, int limit,
                               const std::vector<std::string>& channels) {
  long long t = now;
  OutboxMessage m;
  long long created = 0, next = 0;
  std::string in;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    in += (i == 0 ? ":c" : ", :c") + std::to_string(i);
  }
  soci::statement st(sql);
  st.exchange(soci::use(t));
  for (const std::string& channel : channels) st.exchange(soci::use(channel));
  st.exchange(soci::into(m.id));
  st.exchange(soci::into(m.channel));
  st.exchange(soci::into(m.recipient));
  st.exchange(soci::into(m.subject));
  st.exchange(soci::into(m.text_body));
  st.exchange(soci::into(m.html_body));
  st.exchange(soci::into(created));
  st.exchange(soci::into(m.attempts));
  st.exchange(soci::into(next));
  st.alloc();
  st.prepare(
      "SELECT id, channel, recipient, subject, text_body, html_body, created_at, attempts, "
      "next_attempt_at FROM outbox WHERE next_attempt_at <= :t AND channel IN (" +
      in + ") ORDER BY next_attempt_at, created_at LIMIT " + std::to_string(limit));
  st.define_and_bind();
  st.execute();
  std::vector<OutboxMessage> due;
  while (st.fetch()) {
    OutboxMessage copy = m;
    copy.created_at = created;
    copy.next_attempt_at = next;
    due.push_back(std::move(copy));
  }
  return due;
}

bool Claim(Connection& sql, const std::string& id, std::int64_t seen_next_attempt_at,
           std::int64_t lease_until) {
  long long seen = seen_next_attempt_at;
  long long until = lease_until;
  soci::statement st = (sql.prepare << "UPDATE outbox SET next_attempt_at = :u WHERE id = :id "
                                       "AND next_attempt_at = :seen",
                        soci::use(until), soci::use(id), soci::use(seen));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

void DeleteTo(Connection& sql, const std::string& recipient) {
  sql << "DELETE FROM outbox WHERE recipient = :r", soci::use(recipient);
}

void Delete(Connection& sql, const std::string& id) {
  sql << "DELETE FROM outbox WHERE id = :id", soci::use(id);
}

void RecordFailure(Connection& sql, const std::string& id, int attempts,
                   std::int64_t next_attempt_at, const std::string& error) {
  long long next = next_attempt_at;
  sql << "UPDATE outbox SET attempts = :a, next_attempt_at = :n, last_error = :e WHERE id = :id",
      soci::use(attempts), soci::use(next), soci::use(error), soci::use(id);
}

}  // namespace gatehouse::outbox_store
