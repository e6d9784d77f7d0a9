#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// `value` percent-encoded for a URL query or an application/x-www-form-urlencoded body:
// every byte but the unreserved ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986 §2.3)
// becomes %XX.
std::string PercentEncode(std::string_view value);

}  // namespace gatehouse
