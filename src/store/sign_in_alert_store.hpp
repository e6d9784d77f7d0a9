#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse {

class Connection;

// SQL for sign_in_alerts: the "this wasn't me" links of new sign-in alerts, by the SHA-256 of
// their token. Throws on database errors (see Database::Run).
namespace sign_in_alert_store {

struct AlertLink {
  std::string user_id;
  std::string session_id;  // the sign-in the alert told of
};

void Insert(Connection& sql, const std::string& token_hash, const AlertLink& link, std::int64_t now,
            std::int64_t expires_at);
// The link's target while it is unused and unexpired.
std::optional<AlertLink> Find(Connection& sql, const std::string& token_hash, std::int64_t now);
// Marks the link used and returns what it is for; nullopt when it is unknown, used or expired
// (race-safe: of concurrent uses, one gets it).
std::optional<AlertLink> Use(Connection& sql, const std::string& token_hash, std::int64_t now);
// Deletes the links that expired before `now`; returns how many.
long long DeleteExpired(Connection& sql, std::int64_t now);

}  // namespace sign_in_alert_store
}  // namespace gatehouse
