#pragma once

#include <optional>
#include <string>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for email_changes; throws on database errors (see Database::Run).
namespace email_change_store {

void Insert(Connection& sql, const EmailChangeRecord& change);
// The user's changes not yet confirmed nor undone are dropped: a new request replaces them.
void DeletePending(Connection& sql, const std::string& user_id);
std::optional<EmailChangeRecord> FindByConfirmHash(Connection& sql, const std::string& hash);
std::optional<EmailChangeRecord> FindByUndoHash(Connection& sql, const std::string& hash);
// Marks the change confirmed; false when it was confirmed or undone already (race-safe).
bool MarkConfirmed(Connection& sql, const std::string& id, std::int64_t now);
// Marks the change undone; false when it was undone already (race-safe).
bool MarkUndone(Connection& sql, const std::string& id, std::int64_t now);
// Deletes the changes whose undo window closed before `now`; returns how many.
long long DeleteExpired(Connection& sql, std::int64_t now);

}  // namespace email_change_store
}  // namespace gatehouse
