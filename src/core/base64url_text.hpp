#pragma once

#include <string_view>

namespace gatehouse {

// True when every character is of base64url's alphabet (RFC 4648 §5): letters, digits, '-'
// and '_'. Ids, link tokens and PKCE challenges are all made of it.
bool IsBase64UrlText(std::string_view text);

// A query's id as this server makes them, or none: at most 64 characters of base64url's
// alphabet. Anything else cannot name a row, so it is refused before a query is made.
bool IsServerMadeIdOrEmpty(std::string_view text);

}  // namespace gatehouse
