#include "auth/security_log.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "core/comma_list.hpp"
#include "core/json_text.hpp"
#include "core/time_format.hpp"
#include "crypto/random.hpp"
#include "store/connection.hpp"

namespace gatehouse {
namespace {

// "Berlin, Land Berlin": city and region (the country has its own column).
std::string PlaceOf(const Location& location) {
  std::string place = location.city;
  if (!location.region.empty() && location.region != location.city) {
    place += (place.empty() ? "" : ", ") + location.region;
  }
  return place;
}

// The log line of `e`, whose detail is `detail` (as given, not parsed back from e.detail).
nlohmann::json LineOf(const EventRecord& e, const nlohmann::json& detail) {
  return {{"security_event", e.type},
          {"event_id", e.id},
          {"time", FormatRfc3339(e.created_at / 1000)},
          {"user_id", TextOrNull(e.user_id)},
          {"actor_id", TextOrNull(e.actor_id)},
          {"session_id", TextOrNull(e.session_id)},
          {"ip_address", e.ip_address},
          {"user_agent", e.user_agent},
          {"device", e.device},
          {"country", TextOrNull(e.country)},
          {"location", TextOrNull(e.location)},
          {"detail", detail}};
}

}  // namespace

bool ByAnother(const EventRecord& event) {
  return !event.actor_id.empty() && event.actor_id != event.user_id;
}

nlohmann::json DetailOf(const EventRecord& event) {
  nlohmann::json detail = nlohmann::json::parse(event.detail, nullptr, /*allow_exceptions=*/false);
  return detail.is_object() ? detail : nlohmann::json::object();
}

SecurityLog::SecurityLog(Database& db, const GeoIp& geo, const UserAgentParser& agents,
                         const Clock& clock)
    : db_(db),
      geo_(geo),
      agents_(agents),
      clock_(clock),
      lines_(spdlog::get("security")),
      writer_(std::make_unique<EventWriter>(db)) {
  if (!lines_) lines_ = spdlog::default_logger();
}

std::string SecurityLog::NextId(std::int64_t millis) const {
  unsigned sequence = 0;
  {
    std::lock_guard lock(mutex_);
    sequence_ = millis == last_millis_ ? sequence_ + 1 : 0;
    last_millis_ = millis;
    sequence = sequence_;
  }
  char counter[16];
  std::snprintf(counter, sizeof counter, "%06x", sequence & 0xffffff);
  return TimeOrderedIdBound(millis) + counter + RandomToken(12);
}

EventRecord SecurityLog::RecordOf(const SecurityEvent& event, std::int64_t millis,
                                  std::string id) const {
  EventRecord e;
  e.created_at = millis;
  e.id = std::move(id);
  e.type = NameOf(event.type);
  e.user_id = event.user_id;
  e.actor_id = event.actor_id;
  e.session_id = event.session_id;
  e.ip_address = event.client.ip_address;
  e.user_agent = event.client.user_agent;
  if (!e.user_agent.empty()) e.device = agents_.Parse(e.user_agent).Shown();
  if (auto location = geo_.Lookup(e.ip_address)) {
    e.country = location->country;
    e.location = PlaceOf(*location);
  }
  e.detail = event.detail.dump();
  return e;
}

void SecurityLog::Publish(const SecurityEvent& event, std::int64_t millis, std::string id) const {
  EventRecord e = RecordOf(event, millis, std::move(id));
  lines_->info(LineOf(e, event.detail).dump());
  writer_->Enqueue(std::move(e));
}

void SecurityLog::Append(Connection& sql, const SecurityEvent& event) const {
  // The time and the order are the change's; the rest is made after the commit, outside the
  // database's locks.
  std::int64_t millis = clock_.NowMillis();
  sql.AfterCommit([this, event, millis, id = NextId(millis)]() mutable {
    Publish(event, millis, std::move(id));
  });
}

void SecurityLog::Record(const SecurityEvent& event) const {
  std::int64_t millis = clock_.NowMillis();
  Publish(event, millis, NextId(millis));
}

void SecurityLog::Flush() const { writer_->Flush(); }

void SecurityLog::OnStored(EventBatchListener listener) const {
  writer_->OnBatch(std::move(listener));
}

void SecurityLog::Watch(TokenService& tokens) const {
  tokens.OnSignInSessionStarting(
      [this](Connection& sql, const UserRecord&, const SessionRecord& s) {
        Append(sql, {SecurityEventType::kSignInSucceeded,
                     s.user_id,
                     s.id,
                     "",
                     {s.login_ip_address, s.login_user_agent},
                     {{"amr", SplitCommas(s.amr)}, {"remember_me", s.remember_me}}});
      });
  tokens.OnReuseDetected([this](const TokenClaims& claims, const ClientInfo& client) {
    Record({SecurityEventType::kTokenReuseDetected,
            claims.subject,
            claims.session_id,
            "",
            client,
            {{"client_id", claims.client_id.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json(claims.client_id)}}});
  });
}

Result<std::vector<EventRecord>> SecurityLog::List(const event_store::EventQuery& query) const {
  writer_->Flush();  // what this instance recorded before the listing is in it
  return db_.Run<std::vector<EventRecord>>(
      [&](Connection& sql) -> Result<std::vector<EventRecord>> {
        return event_store::List(sql, query);
      });
}

Status SecurityLog::ForgetPersonalData(const std::string& user_id) const {
  writer_->Flush();
  return db_.Write<Ok>([&](Connection& sql) -> Status {
    event_store::ForgetPersonalData(sql, user_id);
    return Ok{};
  });
}

Result<long long> SecurityLog::DeleteOlderThan(int retention_days) const {
  writer_->Flush();
  std::int64_t cutoff = clock_.NowMillis() - std::int64_t{retention_days} * 86400 * 1000;
  return db_.Write<long long>(
      [&](Connection& sql) -> Result<long long> { return event_store::DeleteBefore(sql, cutoff); });
}

}  // namespace gatehouse
