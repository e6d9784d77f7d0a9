#pragma once

#include <optional>
#include <string>

namespace gatehouse {

// Turns `postgresql://user:password@host:port/database?key=value&...` into libpq's
// keyword/value form ("host='h' port='5432' ..."), percent-decoding each part and quoting
// each value. nullopt for a malformed URL. (SOCI does not pass URIs through to libpq.)
std::optional<std::string> PostgresConnectionString(const std::string& url);

}  // namespace gatehouse
