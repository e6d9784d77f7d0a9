#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// Formats Unix seconds as an RFC 3339 UTC string, e.g. "2026-11-25T21:30:15Z".
std::string FormatRfc3339(std::int64_t unix_seconds);
// Formats Unix milliseconds the same way with three decimals: "2026-11-25T21:30:15.042Z".
std::string FormatRfc3339Millis(std::int64_t unix_millis);

// Unix milliseconds of an RFC 3339 date-time (section 5.6): "2026-11-25T21:30:15Z", with
// optional fractional seconds (to the millisecond; further digits are dropped) and a "Z" or
// "+hh:mm"/"-hh:mm" offset; 't' and 'z' as the RFC allows. nullopt for anything else, a
// date that does not exist included, and for years before 1970.
std::optional<std::int64_t> ParseRfc3339Millis(std::string_view text);

}  // namespace gatehouse
