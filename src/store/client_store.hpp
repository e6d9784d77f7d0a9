#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for oauth_clients; throws on database errors (see Database::Run).
namespace client_store {

void Insert(Connection& sql, const OAuthClientRecord& client);
std::optional<OAuthClientRecord> Find(Connection& sql, const std::string& client_id);
// Every client, oldest first.
std::vector<OAuthClientRecord> List(Connection& sql);
// False when there is no such client.
bool Delete(Connection& sql, const std::string& client_id);

}  // namespace client_store
}  // namespace gatehouse
