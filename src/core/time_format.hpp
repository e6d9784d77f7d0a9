#pragma once

#include <cstdint>
#include <string>

namespace gatehouse {

// Formats Unix seconds as an RFC 3339 UTC string, e.g. "2026-11-25T21:30:15Z".
std::string FormatRfc3339(std::int64_t unix_seconds);

}  // namespace gatehouse
