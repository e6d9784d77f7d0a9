#pragma once

#include <nlohmann/json.hpp>

#include "store/records.hpp"

namespace gatehouse {

// A user as GET /v1/me shows them to themselves (docs/api.md).
nlohmann::json UserJson(const UserRecord& user);
// The same with what administrators also see: status, disabled_at, updated_at.
nlohmann::json AdminUserJson(const UserRecord& user);

}  // namespace gatehouse
