#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// "a,b,c" from {"a", "b", "c"}: how amr and roles are stored on a session row and sent in
// the X-Gatehouse-* headers.
std::string JoinWithCommas(const std::vector<std::string>& items);

// The non-empty items of a JoinWithCommas text, or of a configuration list as people type
// it (spaces around each item trimmed).
std::vector<std::string> SplitCommas(std::string_view text);

}  // namespace gatehouse
