#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/security_log.hpp"
#include "auth/token_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "crypto/secret_box.hpp"
#include "notify/outbox_sender.hpp"
#include "store/database.hpp"
#include "store/records.hpp"
#include "webhooks/webhook_destination.hpp"

namespace gatehouse {

// The outbox channel webhook deliveries are queued on (WebhookChannel delivers them).
inline constexpr const char* kWebhookChannel = "webhook";
// Threads delivering webhooks at once: receivers that hang hold up no more than this many.
inline constexpr int kWebhookSenders = 4;

struct NewWebhook {
  std::string url;
  std::vector<std::string> events;  // event types, or "*" for all
  std::string description;
};

// A webhook as registered, with its signing secret: shown this once.
struct CreatedWebhook {
  WebhookRecord webhook;
  std::string secret;  // "whsec_…"
};

// Webhooks (docs/api.md): administrators register endpoints for event types — every type of
// the security log, and user.deleted — and each event stored is queued, in the transaction
// that stores it, as a delivery to each endpoint that wants it, on the outbox. Thread-safe.
class WebhookService {
 public:
  WebhookService(Database& db, OutboxSender& outbox, const SecretBox& box,
                 const SecurityLog& security_log, const WebhookDestinations& destinations,
                 const Clock& clock);

  // The event types an endpoint may ask for, "*" aside.
  static std::vector<std::string> EventTypes();

  // kValidationFailed for a URL WebhookDestinations refuses or an unknown event type.
  Result<CreatedWebhook> Create(const AccessContext& admin, const NewWebhook& wanted);
  Result<std::vector<WebhookRecord>> List() const;
  // kNotFound when there is none.
  Result<WebhookRecord> Find(const std::string& webhook_id) const;
  Status Delete(const AccessContext& admin, const std::string& webhook_id);
  // The endpoint's deliveries, newest first, below the cursor `before_id` (when not empty);
  // kNotFound when there is no such endpoint.
  Result<std::vector<WebhookDeliveryRecord>> Deliveries(const std::string& webhook_id,
                                                        const std::string& before_id,
                                                        int limit) const;
  // Queues a failed delivery again, for as many attempts as a new one gets; kNotFound when
  // the endpoint has no such delivery, kConflict when it is not a failed one.
  Result<WebhookDeliveryRecord> Retry(const std::string& webhook_id,
                                      const std::string& delivery_id);

  // Queues the deliveries of `events` (SecurityLog::OnStored): none for an event about an
  // account that no longer exists, but user.deleted and account.deleted themselves.
  void QueueDeliveries(Connection& sql, const std::vector<EventRecord>& events) const;

 private:
  Database& db_;
  OutboxSender& outbox_;
  const SecretBox& box_;
  const SecurityLog& security_log_;
  const Clock& clock_;
  const WebhookDestinations& destinations_;
};

}  // namespace gatehouse
