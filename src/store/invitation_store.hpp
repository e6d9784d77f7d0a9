#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for invitations; throws on database errors (see Database::Run).
namespace invitation_store {

void Insert(Connection& sql, const InvitationRecord& invitation);
std::optional<InvitationRecord> FindByTokenHash(Connection& sql, const std::string& token_hash);
// Invitations neither accepted, revoked nor expired at `now`, newest first.
std::vector<InvitationRecord> ListPending(Connection& sql, std::int64_t now);
// Revokes a pending invitation; false when there is none with that id.
bool Revoke(Connection& sql, const std::string& id, std::int64_t now);
// Revokes every pending invitation to `email` (a new one replaces them).
void RevokePendingFor(Connection& sql, const std::string& email, std::int64_t now);
// Marks a pending invitation accepted; false when it is not pending any more (single use,
// race-safe).
bool MarkAccepted(Connection& sql, const std::string& id, std::int64_t now);

}  // namespace invitation_store
}  // namespace gatehouse
