#pragma once

#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for the outbox; throws on database errors (see Database::Run).
namespace outbox_store {

void Enqueue(Connection& sql, const OutboxMessage& message);
// Up to `limit` messages of `channels` due at `now`, the longest waiting first.
std::vector<OutboxMessage> Due(Connection& sql, std::int64_t now, int limit,
                               const std::vector<std::string>& channels);
// Claims a due message for one sender (several instances may poll the same outbox): moves its
// next attempt to `lease_until` if it is still `seen_next_attempt_at`. True for one claimer.
bool Claim(Connection& sql, const std::string& id, std::int64_t seen_next_attempt_at,
           std::int64_t lease_until);
// Deletes a delivered message: the rendered text (with its link or code) is kept only until sent.
void Delete(Connection& sql, const std::string& id);
// Deletes every message still waiting for `recipient` (an account being erased).
void DeleteTo(Connection& sql, const std::string& recipient);
void RecordFailure(Connection& sql, const std::string& id, int attempts,
                   std::int64_t next_attempt_at, const std::string& error);

}  // namespace outbox_store
}  // namespace gatehouse
