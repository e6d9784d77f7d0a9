#pragma once

#include <string>
#include <vector>

#include "store/records.hpp"

namespace soci {
class session;
}

namespace gatehouse {

// SQL for the outbox; throws on database errors (see Database::Run).
namespace outbox_store {

void Enqueue(soci::session& sql, const OutboxMessage& message);
std::vector<OutboxMessage> Due(soci::session& sql, std::int64_t now, int limit);
// Deletes a delivered message: the rendered text (with its link or code) is kept only until sent.
void Delete(soci::session& sql, const std::string& id);
void RecordFailure(soci::session& sql, const std::string& id, int attempts,
                   std::int64_t next_attempt_at, const std::string& error);

}  // namespace outbox_store
}  // namespace gatehouse
