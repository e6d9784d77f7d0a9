#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

class Connection;

// SQL for machine_tokens; throws on database errors (see Database::Run).
namespace machine_token_store {

void Insert(Connection& sql, const std::string& id, const std::string& client_id,
            std::int64_t expires_at, std::int64_t now);
// The token's client when it is live at `now`.
std::optional<std::string> LiveClientOf(Connection& sql, const std::string& id, std::int64_t now);
// False when there was none.
bool Delete(Connection& sql, const std::string& id);
std::vector<std::string> IdsOfClient(Connection& sql, const std::string& client_id);
long long DeleteExpired(Connection& sql, std::int64_t now);

}  // namespace machine_token_store
}  // namespace gatehouse
