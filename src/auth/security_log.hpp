#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/user_agent_parser.hpp"
#include "auth/security_event_type.hpp"
#include "auth/token_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "geo/geoip.hpp"
#include "store/database.hpp"
#include "store/event_store.hpp"
#include "store/event_writer.hpp"

namespace spdlog {
class logger;
}

namespace gatehouse {

// One thing that happened to an account, as its caller knows it.
struct SecurityEvent {
  SecurityEventType type;
  std::string user_id;     // the account it concerns; empty for none (an unknown address)
  std::string session_id;  // the session it happened in or to
  std::string actor_id;    // who did it when not the user (an administrator)
  ClientInfo client;       // where the request came from
  nlohmann::json detail = nlohmann::json::object();  // the event's own facts
};

// Whether someone other than the account did what `event` records (an administrator): the
// account's own view of its log then shows that, but not from where.
bool ByAnother(const EventRecord& event);
// The event's detail as a JSON object (an empty one should the stored text be none).
nlohmann::json DetailOf(const EventRecord& event);

// The security log: every security-relevant event, with its time, the device (user agent
// parsed) and the location (GeoIP) of its address, written as one JSON line to the "security"
// log (stderr) and stored in the events table by an EventWriter (in the background, in
// batches). Thread-safe.
class SecurityLog {
 public:
  SecurityLog(Database& db, const GeoIp& geo, const UserAgentParser& agents, const Clock& clock);

  // Records `event` once the caller's transaction (or single write) `sql` commits, and not at
  // all if it does not; its time is now, before the commit.
  void Append(Connection& sql, const SecurityEvent& event) const;
  // Records `event` now, for what changes nothing else (a failed sign-in).
  void Record(const SecurityEvent& event) const;
  // Returns once what was recorded before is stored.
  void Flush() const;
  // Has `listener` run in the transaction that stores events, with them (EventWriter::OnBatch).
  // Call once, before serving.
  void OnStored(EventBatchListener listener) const;

  // Records what `tokens` does on its own: each sign-in session made (kSignInSucceeded, in its
  // transaction) and each reuse detected. Call once, before serving.
  void Watch(TokenService& tokens) const;

  // The events `query` asks for, newest first, those this process recorded before included.
  Result<std::vector<EventRecord>> List(const event_store::EventQuery& query) const;
  // Deletes the events older than `retention_days`; returns how many.
  Result<long long> DeleteOlderThan(int retention_days) const;
  // Blanks what identifies a person in the events of `user_id` (a deleted account), those
  // recorded before and not yet stored included (event_store::ForgetPersonalData).
  Status ForgetPersonalData(const std::string& user_id) const;

 private:
  EventRecord RecordOf(const SecurityEvent& event, std::int64_t millis, std::string id) const;
  // Writes the event's log line and hands its record to the writer.
  void Publish(const SecurityEvent& event, std::int64_t millis, std::string id) const;
  // A time-ordered id for an event at `millis` (crypto/random's TimeOrderedIdBound), then a
  // count of the events this process made in that millisecond: events of one request, often
  // in the same millisecond, keep the order they happened in.
  std::string NextId(std::int64_t millis) const;

  Database& db_;
  const GeoIp& geo_;
  const UserAgentParser& agents_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> lines_;
  std::unique_ptr<EventWriter> writer_;
  mutable std::mutex mutex_;
  mutable std::int64_t last_millis_ = 0;  // guarded by mutex_
  mutable unsigned sequence_ = 0;         // guarded by mutex_
};

}  // namespace gatehouse
