#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

class Connection;

// SQL for oauth_consents; throws on database errors (see Database::Run).
namespace consent_store {

// The scopes (space-separated) the user allowed the client, if any.
std::optional<std::string> Find(Connection& sql, const std::string& user_id,
                                const std::string& client_id);
// Records `scope` as allowed, replacing what was allowed before.
void Upsert(Connection& sql, const std::string& user_id, const std::string& client_id,
            const std::string& scope, std::int64_t now);
struct Consent {
  std::string client_id;
  std::string scope;
  std::int64_t granted_at = 0;
};
// The user's consents, newest first.
std::vector<Consent> OfUser(Connection& sql, const std::string& user_id);

// False when there was none.
bool Delete(Connection& sql, const std::string& user_id, const std::string& client_id);

}  // namespace consent_store
}  // namespace gatehouse
