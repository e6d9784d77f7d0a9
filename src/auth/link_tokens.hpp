#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// Secrets sent in e-mailed links (verify e-mail, reset password, accept invitation): 256
// random bits, base64url, stored only as their SHA-256, so a leaked database holds no usable
// link.
inline constexpr std::size_t kLinkTokenBytes = 32;

// A new link secret.
std::string NewLinkToken();
// Its stored form.
std::string LinkTokenHash(std::string_view token);
// True when `token` could be one we issued (length and alphabet), checked before any lookup.
bool IsWellFormedLinkToken(std::string_view token);

// Stores a new single-use link token of `purpose` for the user, voiding the user's unused
// ones of that purpose; returns the secret to put in the link.
std::string IssueLinkToken(Connection& sql, const std::string& user_id, const std::string& purpose,
                           std::int64_t ttl_seconds, std::int64_t now);

// Uses the link token: marks it used if it exists for `purpose`, is unused and unexpired
// (race-safe: one of several concurrent callers gets it). nullopt otherwise.
std::optional<OneTimeTokenRecord> ConsumeLinkToken(Connection& sql, const std::string& purpose,
                                                   std::string_view token, std::int64_t now);

}  // namespace gatehouse
