#include "auth/session_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "auth/security_log.hpp"
#include "store/session_store.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxRememberedSessions = 100000;  // bounds last_written_

}  // namespace

SessionService::SessionService(const AccountContext& context, const GeoIp& geo,
                               const UserAgentParser& agents)
    : ctx_(context), geo_(geo), agents_(agents) {}

namespace {

SessionView ViewOf(SessionRecord record, const GeoIp& geo, const UserAgentParser& agents) {
  SessionView view;
  view.login_location = geo.Lookup(record.login_ip_address);
  view.last_location = geo.Lookup(record.last_ip_address);
  view.login_client = agents.Parse(record.login_user_agent);
  view.last_client = agents.Parse(record.last_user_agent);
  view.record = std::move(record);
  return view;
}

}  // namespace

Result<std::vector<SessionView>> SessionService::List(const std::string& user_id) {
  std::int64_t now = ctx_.clock.NowSeconds();
  auto records = ctx_.db.Run<std::vector<SessionRecord>>(
      [&](Connection& sql) -> Result<std::vector<SessionRecord>> {
        return session_store::ListLive(sql, user_id, now);
      });
  if (!records) return records.error();
  std::vector<SessionView> views;
  views.reserve(records->size());
  for (SessionRecord& record : *records) views.push_back(ViewOf(std::move(record), geo_, agents_));
  return views;
}

Result<SessionService::RecentSessions> SessionService::ListRecent(const std::string& user_id,
                                                                  std::size_t limit,
                                                                  const std::string& first) {
  std::int64_t now = ctx_.clock.NowSeconds();
  struct Found {
    std::vector<SessionRecord> records;
    long long total = 0;
  };
  auto found = ctx_.db.Run<Found>([&](Connection& sql) -> Result<Found> {
    return Found{session_store::ListLiveFirst(sql, user_id, now, first, static_cast<int>(limit)),
                 session_store::CountLiveOfUser(sql, user_id, now)};
  });
  if (!found) return found.error();
  RecentSessions recent;
  recent.total = static_cast<std::size_t>(found->total);
  recent.shown.reserve(found->records.size());
  for (SessionRecord& record : found->records) {
    recent.shown.push_back(ViewOf(std::move(record), geo_, agents_));
  }
  return recent;
}

Result<bool> SessionService::SignOut(const AccessContext& caller) {
  auto revoked = ctx_.tokens.RevokeSession(caller.session_id);
  if (revoked && *revoked) {
    ctx_.security_log.Record(
        {SecurityEventType::kSignedOut, caller.user_id, caller.session_id, "", caller.client});
  }
  return revoked;
}

Status SessionService::RevokeOne(const AccessContext& by, const std::string& user_id,
                                 const std::string& session_id) {
  auto revoked = RevokeSome(by, user_id, {session_id});
  if (!revoked) return revoked.error();
  if (*revoked == 0) return MakeError(Errc::kNotFound, "no such session of this user");
  return Ok{};
}

void SessionService::RecordRevoked(const AccessContext& by, const std::string& user_id,
                                   const std::string& session_id, nlohmann::json detail) const {
  ctx_.security_log.Record({SecurityEventType::kSessionRevoked, user_id, session_id,
                            by.user_id == user_id ? "" : by.user_id, by.client, std::move(detail)});
}

Result<int> SessionService::RevokeSome(const AccessContext& by, const std::string& user_id,
                                       const std::vector<std::string>& session_ids) {
  auto owned = ctx_.db.Run<std::vector<std::string>>(
      [&](Connection& sql) -> Result<std::vector<std::string>> {
        return session_store::IdsOfUser(sql, user_id);
      });
  if (!owned) return owned.error();
  int revoked = 0;
  for (const std::string& id : session_ids) {
    if (std::find(owned->begin(), owned->end(), id) == owned->end()) continue;
    auto done = ctx_.tokens.RevokeSession(id);
    if (!done) return done.error();
    if (!*done) continue;
    ++revoked;
    RecordRevoked(by, user_id, id, nlohmann::json::object());
  }
  return revoked;
}

Result<int> SessionService::RevokeAll(const AccessContext& by, const std::string& user_id,
                                      const std::string& keep_session_id) {
  auto revoked = ctx_.tokens.RevokeUserSessions(user_id, keep_session_id);
  if (revoked && *revoked > 0) {
    RecordRevoked(by, user_id, "",
                  {{"sessions", *revoked}, {"kept_current", !keep_session_id.empty()}});
  }
  return revoked;
}

bool SessionService::DueForActivityWrite(const std::string& session_id, std::int64_t now) {
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = last_written_.try_emplace(session_id, now);
    if (!inserted && now - it->second < ctx_.config.sessions.activity_interval_seconds)
      return false;
    if (last_written_.size() > kMaxRememberedSessions) last_written_.clear();
    last_written_[session_id] = now;
  }
  // Other instances may have written it within the interval: the cache counter decides.
  auto count =
      ctx_.cache.Increment("activity:" + session_id, 1,
                           std::chrono::seconds(ctx_.config.sessions.activity_interval_seconds));
  return !count || *count == 1;
}

bool SessionService::ActivityMayBeDue(const AccessContext& caller) {
  std::int64_t now = ctx_.clock.NowSeconds();
  int interval = ctx_.config.sessions.activity_interval_seconds;
  // The login or refresh that issued this token wrote the activity: nothing to add yet.
  if (now - caller.issued_at < interval) return false;
  std::lock_guard lock(mutex_);
  auto it = last_written_.find(caller.session_id);
  return it == last_written_.end() || now - it->second >= interval;
}

void SessionService::RecordActivity(const AccessContext& caller, const ClientInfo& client) {
  if (!ActivityMayBeDue(caller)) return;
  std::int64_t now = ctx_.clock.NowSeconds();
  if (!DueForActivityWrite(caller.session_id, now)) return;
  auto written = ctx_.db.Write<Ok>([&](Connection& sql) -> Status {
    session_store::RecordActivity(sql, caller.session_id, now, client.user_agent,
                                  client.ip_address);
    return Ok{};
  });
  // Losing an activity update only makes last_active older; the request goes on.
  if (!written) spdlog::warn("session activity not recorded: {}", written.error().reason);
}

}  // namespace gatehouse
