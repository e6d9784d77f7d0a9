#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

class Connection;

// Recovery codes: ten single-use codes that stand in for a lost second factor, stored as
// hashes. Both run inside the caller's transaction.

// Ten new codes, returned once; their hashes replace the user's old ones.
std::vector<std::string> IssueRecoveryCodes(Connection& sql, const std::string& user_id,
                                            std::int64_t now);
// Uses `code` up if it is one of the user's unused codes (typed with or without its dash,
// in any case); false otherwise.
bool UseRecoveryCode(Connection& sql, const std::string& user_id, std::string_view code,
                     std::int64_t now);

}  // namespace gatehouse
