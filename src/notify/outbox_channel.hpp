#pragma once

#include <cstdint>

#include "core/result.hpp"
#include "store/records.hpp"

namespace gatehouse {

class Connection;

// How often and how long the outbox tries a message of one channel.
struct RetryPolicy {
  int max_attempts = 1;
  int base_seconds = 1;  // the first retry waits this long, each later one twice the one before
  std::int64_t max_age_seconds = 0;  // a message older than this is not tried again; 0: no limit
};

// A kind of outbox message delivered by a component of its own (webhooks), whose messages
// the OutboxSender schedules, claims and retries like its own. Thread-safe.
class OutboxChannel {
 public:
  virtual ~OutboxChannel() = default;

  virtual RetryPolicy retry_policy() const = 0;
  // One attempt at `message`; an error is retried as the policy says.
  virtual Status Deliver(const OutboxMessage& message) = 0;
  // Called in the sender's transaction when `message` will not be tried again.
  virtual void GiveUp(Connection& sql, const OutboxMessage& message, std::int64_t now) = 0;
};

}  // namespace gatehouse
