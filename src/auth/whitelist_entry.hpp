#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// The cache value that whitelists a token (docs/api.md, "Revocation model"): the JSON object
// {"type", "sid", "sub", "sibling_id"}, always written with its members in this order and
// without spaces, so that a token check compares bytes instead of parsing JSON.
std::string WhitelistEntry(std::string_view type, std::string_view session_id,
                           std::string_view user_id, std::string_view sibling_jti);

// True when `entry` whitelists a token of `type` of session `session_id` of `user_id`. An
// entry in any other shape (another member order, an older instance's writing) is no match:
// the caller asks the database, which rewrites the entry in this shape.
bool WhitelistEntryMatches(std::string_view entry, std::string_view type,
                           std::string_view session_id, std::string_view user_id);

}  // namespace gatehouse
