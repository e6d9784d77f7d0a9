#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for the sessions table; throws on database errors (see Database::Run).
namespace session_store {

// False, and nothing written, when the session's user is disabled (or gone).
bool Insert(Connection& sql, const SessionRecord& session);
std::optional<SessionRecord> Find(Connection& sql, const std::string& session_id);
// The session's current access token id, or nothing when the session is gone.
std::optional<std::string> CurrentAccessJti(Connection& sql, const std::string& session_id);

struct Rotation {
  std::string session_id;
  std::string expected_refresh_jti;  // the token being presented
  std::string new_access_jti;
  std::string new_refresh_jti;
  std::int64_t access_expires_at;
  std::int64_t refresh_expires_at;
  std::int64_t now;
  std::string user_agent;
  std::string ip_address;
};
// The compare-and-set at the heart of refresh: replaces the token pair only if the session
// still holds `expected_refresh_jti`. True for exactly one of any number of concurrent callers.
bool Rotate(Connection& sql, const Rotation& rotation);

// The user's own sessions (not grants to clients) whose refresh token is live at `now`, most
// recently active first.
std::vector<SessionRecord> ListLive(Connection& sql, const std::string& user_id, std::int64_t now);
// At most `limit` of them: `first` (a session id) at the top when it is among them, then the
// most recently active.
std::vector<SessionRecord> ListLiveFirst(Connection& sql, const std::string& user_id,
                                         std::int64_t now, const std::string& first, int limit);
// How many the user has.
long long CountLiveOfUser(Connection& sql, const std::string& user_id, std::int64_t now);

// Records activity on a session (an authenticated request): when, from where, with what.
void RecordActivity(Connection& sql, const std::string& session_id, std::int64_t now,
                    const std::string& user_agent, const std::string& ip_address);

// The live grants to clients made in the sign-in session `parent_session_id`, newest first.
std::vector<SessionRecord> GrantsMadeIn(Connection& sql, const std::string& parent_session_id,
                                        std::int64_t now);
// The user's live grants to clients, newest first.
std::vector<SessionRecord> GrantsOfUser(Connection& sql, const std::string& user_id,
                                        std::int64_t now);
// Ids of every grant to the client.
std::vector<std::string> IdsOfClient(Connection& sql, const std::string& client_id);

// Ids of every session of the user, grants included.
std::vector<std::string> IdsOfUser(Connection& sql, const std::string& user_id);

// Deletes the session; true when it existed.
bool Delete(Connection& sql, const std::string& session_id);

// Sessions whose refresh token is still live at `now`.
long long CountLive(Connection& sql, std::int64_t now);

// Deletes sessions whose refresh token expired before `now`; returns how many.
long long DeleteExpired(Connection& sql, std::int64_t now);

}  // namespace session_store
}  // namespace gatehouse
