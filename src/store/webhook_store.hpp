#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for webhooks and webhook_deliveries. Throws on database errors (see Database::Run).
namespace webhook_store {

void Insert(Connection& sql, const WebhookRecord& webhook);
// Every endpoint, oldest first.
std::vector<WebhookRecord> All(Connection& sql);
std::optional<WebhookRecord> Find(Connection& sql, const std::string& id);
// Deletes the endpoint and its deliveries (their outbox messages then find nothing to send);
// false when there is none.
bool Delete(Connection& sql, const std::string& id);

// Whether the account `user_id` still exists (a delivery about it is stored with it).
bool UserExists(Connection& sql, const std::string& user_id);
// Stores a delivery; one of the same event and type to the same endpoint is kept as it was.
void InsertDelivery(Connection& sql, const WebhookDeliveryRecord& delivery);
std::optional<WebhookDeliveryRecord> FindDelivery(Connection& sql, const std::string& id);
// The endpoint's deliveries, newest first, those with ids below `before_id` (when not empty).
std::vector<WebhookDeliveryRecord> Deliveries(Connection& sql, const std::string& webhook_id,
                                              const std::string& before_id, int limit);
// An attempt made at `at`: the answer's HTTP status (0 for none) and the error (empty when it
// was delivered).
void RecordAttempt(Connection& sql, const std::string& id, std::int64_t at, int status,
                   const std::string& error, bool delivered);
void MarkFailed(Connection& sql, const std::string& id, std::int64_t at);
// Makes a failed delivery pending again; false when it is not a failed one.
bool Unfail(Connection& sql, const std::string& id);
// Deletes the deliveries delivered or given up on before `cutoff`; returns how many.
long long DeleteFinishedBefore(Connection& sql, std::int64_t cutoff);

}  // namespace webhook_store
}  // namespace gatehouse
