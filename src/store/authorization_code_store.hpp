#pragma once

#include <optional>
#include <string>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for oauth_codes; throws on database errors (see Database::Run).
namespace authorization_code_store {

void Insert(Connection& sql, const AuthorizationCodeRecord& code);
// Marks the code used and returns it if it is unused and unexpired at `now`: for exactly one
// of any number of concurrent callers.
std::optional<AuthorizationCodeRecord> Take(Connection& sql, const std::string& code_hash,
                                            std::int64_t now);
std::optional<AuthorizationCodeRecord> Find(Connection& sql, const std::string& code_hash);
// Deletes codes that expired before `now`; returns how many.
long long DeleteExpired(Connection& sql, std::int64_t now);

}  // namespace authorization_code_store
}  // namespace gatehouse
