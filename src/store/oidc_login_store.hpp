#pragma once

#include <string>
#include <vector>

namespace gatehouse {

class Connection;

// SQL for oidc_logins; throws on database errors (see Database::Run).
namespace oidc_login_store {

// Records that `client_id` got an ID token naming the sign-in session (once).
void Record(Connection& sql, const std::string& session_id, const std::string& client_id,
            std::int64_t now);
std::vector<std::string> ClientsOf(Connection& sql, const std::string& session_id);
void Forget(Connection& sql, const std::string& session_id);
// Forgets the sessions that no longer exist; returns how many rows went.
long long DeleteOrphans(Connection& sql);

}  // namespace oidc_login_store
}  // namespace gatehouse
