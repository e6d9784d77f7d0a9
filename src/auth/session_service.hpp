#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/user_agent_parser.hpp"
#include "auth/account_context.hpp"
#include "geo/geoip.hpp"

namespace gatehouse {

// One session as its owner sees it (docs/api.md's SessionView), with the location of each address
// and each agent parsed for display.
struct SessionView {
  SessionRecord record;
  std::optional<Location> login_location;
  std::optional<Location> last_location;
  ParsedUserAgent login_client;
  ParsedUserAgent last_client;
};

// Sessions like GitHub's: where and with what a user is signed in, and signing any of them
// out. Also keeps each session's last_* fields current, writing at most once per
// sessions.activity_interval_seconds per session. Thread-safe.
class SessionService {
 public:
  SessionService(const AccountContext& context, const GeoIp& geo, const UserAgentParser& agents);

  // The user's live sessions, most recently active first.
  Result<std::vector<SessionView>> List(const std::string& user_id);
  // The `limit` most recently active of them, `first` (the caller's own) always among them and
  // at the top, and how many there are in all: for a page that shows a user with hundreds of
  // sessions in bounded time.
  struct RecentSessions {
    std::vector<SessionView> shown;
    std::size_t total = 0;
  };
  Result<RecentSessions> ListRecent(const std::string& user_id, std::size_t limit,
                                    const std::string& first);

  // Ends the caller's own session (the security log's kSignedOut); false when it had ended.
  Result<bool> SignOut(const AccessContext& caller);

  // The revocations below are `by`'s — the user themself or an administrator — which the
  // security log records (kSessionRevoked; actor_id when it is not the user).

  // Revokes one of the user's sessions; kNotFound when the user has no such session (another
  // user's session is not found either, and stays signed in).
  Status RevokeOne(const AccessContext& by, const std::string& user_id,
                   const std::string& session_id);
  // Revokes those of `session_ids` that are the user's; the others are ignored. Returns how
  // many were revoked.
  Result<int> RevokeSome(const AccessContext& by, const std::string& user_id,
                         const std::vector<std::string>& session_ids);
  // Revokes every session of the user but `keep_session_id` (empty: all).
  Result<int> RevokeAll(const AccessContext& by, const std::string& user_id,
                        const std::string& keep_session_id);

  // Notes an authenticated request on `caller`'s session. The database is written only when
  // the interval has passed — checked in this process first, then across instances through
  // the cache — so token checks cost no database write.
  void RecordActivity(const AccessContext& caller, const ClientInfo& client);
  // Whether RecordActivity might write now (checked in this process only, without waiting):
  // asynchronous handlers hand the request to a worker only then.
  bool ActivityMayBeDue(const AccessContext& caller);

 private:
  bool DueForActivityWrite(const std::string& session_id, std::int64_t now);
  // One revocation by `by`, in the security log: of `session_id`, or (empty) of several.
  void RecordRevoked(const AccessContext& by, const std::string& user_id,
                     const std::string& session_id, nlohmann::json detail) const;

  AccountContext ctx_;
  const GeoIp& geo_;
  const UserAgentParser& agents_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> last_written_;  // session id → time
};

}  // namespace gatehouse
