#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "crypto/secret_box.hpp"
#include "notify/outbox_channel.hpp"
#include "store/database.hpp"
#include "webhooks/webhook_destination.hpp"

namespace gatehouse {

// Delivers the outbox's webhook messages: each names a stored delivery, posted to its
// endpoint signed as the Standard Webhooks specification says (webhook-id: the delivery's id,
// the same for every attempt; webhook-timestamp: the attempt's time; webhook-signature), and
// connecting only to addresses WebhookDestinations allows. A 2xx answer is delivered; each
// attempt is written to the delivery's log. Thread-safe.
class WebhookChannel : public OutboxChannel {
 public:
  WebhookChannel(Database& db, const SecretBox& box, const WebhookDestinations& destinations,
                 const Config& config, const Clock& clock);

  RetryPolicy retry_policy() const override;
  Status Deliver(const OutboxMessage& message) override;
  void GiveUp(Connection& sql, const OutboxMessage& message, std::int64_t now) override;

 private:
  Database& db_;
  const SecretBox& box_;
  const Clock& clock_;
  const WebhookDestinations& destinations_;
  WebhookConfig config_;
};

}  // namespace gatehouse
