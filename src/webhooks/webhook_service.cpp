#include "webhooks/webhook_service.hpp"

#include <algorithm>
#include <optional>

#include "api/account_json.hpp"
#include "api/json_body.hpp"
#include "core/time_format.hpp"
#include "crypto/random.hpp"
#include "store/webhook_store.hpp"
#include "webhooks/webhook_signature.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxDescriptionLength = 200;
constexpr const char* kAllEvents = "*";
// Sent, besides account.deleted, when an account is deleted: the lifecycle event of
// user.created and user.updated.
constexpr std::string_view kUserDeleted = "user.deleted";
constexpr std::string_view kAccountDeleted = "account.deleted";

Error Invalid(const char* name, std::string detail) {
  return MakeError(Errc::kValidationFailed, std::string("bad webhook ") + name, std::move(detail));
}

Error NoSuchWebhook() {
  return MakeError(Errc::kNotFound, "no such webhook", "There is no webhook with that id.");
}

bool Wants(const WebhookRecord& webhook, std::string_view type) {
  return std::any_of(webhook.events.begin(), webhook.events.end(), [&](const std::string& wanted) {
    return wanted == kAllEvents || wanted == type;
  });
}

// The body of a delivery, as the Standard Webhooks specification shapes it: the type, the
// time of the event and the event as GET /v1/events shows it.
std::string PayloadOf(const EventRecord& e, std::string_view type) {
  nlohmann::json payload = {{"type", type},
                            {"timestamp", FormatRfc3339Millis(e.created_at)},
                            {"data", SecurityEventJson(e, /*for_owner=*/false)}};
  return Dump(payload);
}

}  // namespace

WebhookService::WebhookService(Database& db, OutboxSender& outbox, const SecretBox& box,
                               const SecurityLog& security_log,
                               const WebhookDestinations& destinations, const Clock& clock)
    : db_(db),
      outbox_(outbox),
      box_(box),
      security_log_(security_log),
      clock_(clock),
      destinations_(destinations) {}

std::vector<std::string> WebhookService::EventTypes() {
  std::vector<std::string> types;
  for (SecurityEventType type : AllSecurityEventTypes()) types.emplace_back(NameOf(type));
  types.emplace_back(kUserDeleted);
  return types;
}

Result<CreatedWebhook> WebhookService::Create(const AccessContext& admin,
                                              const NewWebhook& wanted) {
  if (Status url = destinations_.CheckUrl(wanted.url); !url) return url.error();
  if (wanted.events.empty()) {
    return Invalid("events", "'events' needs at least one event type, or \"*\" for all.");
  }
  const std::vector<std::string> known = EventTypes();
  std::vector<std::string> events;
  for (const std::string& type : wanted.events) {
    if (type != kAllEvents && std::find(known.begin(), known.end(), type) == known.end()) {
      return Invalid("events", "'events' has '" + type +
                                   "', which is no event type (docs/api.md lists them).");
    }
    if (std::find(events.begin(), events.end(), type) == events.end()) events.push_back(type);
  }
  if (wanted.description.size() > kMaxDescriptionLength) {
    return Invalid("description", "'description' is longer than 200 bytes.");
  }
  CreatedWebhook created;
  created.secret = NewWebhookSecret();
  WebhookRecord& w = created.webhook;
  w.id = RandomUuid();
  w.url = wanted.url;
  w.description = wanted.description;
  w.events = std::move(events);
  w.secret_sealed = box_.Seal(created.secret);
  w.created_by = admin.user_id;
  w.created_at = clock_.NowSeconds();
  auto stored = db_.Transaction<Ok>([&](Connection& sql) -> Status {
    webhook_store::Insert(sql, w);
    security_log_.Append(sql, {SecurityEventType::kWebhookCreated,
                               "",
                               "",
                               admin.user_id,
                               admin.client,
                               {{"webhook_id", w.id}, {"url", w.url}, {"events", w.events}}});
    return Ok{};
  });
  if (!stored) return stored.error();
  return created;
}

Result<std::vector<WebhookRecord>> WebhookService::List() const {
  return db_.Run<std::vector<WebhookRecord>>(
      [&](Connection& sql) -> Result<std::vector<WebhookRecord>> {
        return webhook_store::All(sql);
      });
}

Result<WebhookRecord> WebhookService::Find(const std::string& webhook_id) const {
  return db_.Run<WebhookRecord>([&](Connection& sql) -> Result<WebhookRecord> {
    auto found = webhook_store::Find(sql, webhook_id);
    if (!found) return NoSuchWebhook();
    return *found;
  });
}

Status WebhookService::Delete(const AccessContext& admin, const std::string& webhook_id) {
  return db_.Transaction<Ok>([&](Connection& sql) -> Status {
    auto found = webhook_store::Find(sql, webhook_id);
    if (!found || !webhook_store::Delete(sql, webhook_id)) return NoSuchWebhook();
    security_log_.Append(sql, {SecurityEventType::kWebhookDeleted,
                               "",
                               "",
                               admin.user_id,
                               admin.client,
                               {{"webhook_id", found->id}, {"url", found->url}}});
    return Ok{};
  });
}

Result<std::vector<WebhookDeliveryRecord>> WebhookService::Deliveries(const std::string& webhook_id,
                                                                      const std::string& before_id,
                                                                      int limit) const {
  return db_.Run<std::vector<WebhookDeliveryRecord>>(
      [&](Connection& sql) -> Result<std::vector<WebhookDeliveryRecord>> {
        if (!webhook_store::Find(sql, webhook_id)) return NoSuchWebhook();
        return webhook_store::Deliveries(sql, webhook_id, before_id, limit);
      });
}

Result<WebhookDeliveryRecord> WebhookService::Retry(const std::string& webhook_id,
                                                    const std::string& delivery_id) {
  auto retried =
      db_.Transaction<WebhookDeliveryRecord>([&](Connection& sql) -> Result<WebhookDeliveryRecord> {
        auto delivery = webhook_store::FindDelivery(sql, delivery_id);
        if (!delivery || delivery->webhook_id != webhook_id) {
          return MakeError(Errc::kNotFound, "no such delivery",
                           "That webhook has no delivery with that id.");
        }
        if (!webhook_store::Unfail(sql, delivery_id)) {
          return MakeError(Errc::kConflict, "delivery not failed",
                           delivery->delivered_at ? "That delivery was delivered."
                                                  : "That delivery is still being tried.");
        }
        OutboxSender::EnqueueFor(sql, kWebhookChannel, delivery_id, clock_.NowSeconds());
        delivery->failed_at.reset();
        return *delivery;
      });
  if (retried) outbox_.Notify();
  return retried;
}

void WebhookService::QueueDeliveries(Connection& sql,
                                     const std::vector<EventRecord>& events) const {
  const std::vector<WebhookRecord> webhooks = webhook_store::All(sql);
  if (webhooks.empty()) return;
  const std::int64_t now = clock_.NowSeconds();
  bool queued = false;
  for (const EventRecord& e : events) {
    std::vector<std::string_view> types{e.type};
    if (e.type == kAccountDeleted) types.push_back(kUserDeleted);
    std::optional<bool> user_exists;  // asked once, when an endpoint wants the event
    for (std::string_view type : types) {
      std::string payload;
      for (const WebhookRecord& webhook : webhooks) {
        if (!Wants(webhook, type)) continue;
        WebhookDeliveryRecord delivery;
        if (!e.user_id.empty()) {
          if (!user_exists) user_exists = webhook_store::UserExists(sql, e.user_id);
          // An erased account's events are not told: its deletion alone is.
          if (!*user_exists && e.type != kAccountDeleted) break;
          if (*user_exists) delivery.user_id = e.user_id;
        }
        if (payload.empty()) payload = PayloadOf(e, type);
        // Sorts as its event does (events of one batch share a millisecond, not an order).
        delivery.id = e.id + RandomToken(6);
        delivery.webhook_id = webhook.id;
        delivery.event_id = e.id;
        delivery.event_type = std::string(type);
        delivery.payload = payload;
        delivery.created_at = now;
        webhook_store::InsertDelivery(sql, delivery);
        OutboxSender::EnqueueFor(sql, kWebhookChannel, delivery.id, now);
        queued = true;
      }
    }
  }
  if (queued) sql.AfterCommit([this] { outbox_.Notify(); });
}

}  // namespace gatehouse
