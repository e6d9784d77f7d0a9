#include "webhooks/webhook_channel.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "http/outbound_client.hpp"
#include "store/webhook_store.hpp"
#include "webhooks/webhook_signature.hpp"

namespace gatehouse {
namespace {

// What one attempt needs: the delivery and where and how to send it.
struct Target {
  WebhookDeliveryRecord delivery;
  std::string url;
  std::string secret_sealed;
};

}  // namespace

WebhookChannel::WebhookChannel(Database& db, const SecretBox& box,
                               const WebhookDestinations& destinations, const Config& config,
                               const Clock& clock)
    : db_(db), box_(box), clock_(clock), destinations_(destinations), config_(config.webhooks) {}

RetryPolicy WebhookChannel::retry_policy() const {
  return {config_.max_attempts, config_.retry_base_seconds, 0};
}

Status WebhookChannel::Deliver(const OutboxMessage& message) {
  auto target =
      db_.Run<std::optional<Target>>([&](Connection& sql) -> Result<std::optional<Target>> {
        auto delivery = webhook_store::FindDelivery(sql, message.recipient);
        if (!delivery) return std::optional<Target>();
        auto webhook = webhook_store::Find(sql, delivery->webhook_id);
        if (!webhook) return std::optional<Target>();
        return std::optional<Target>(Target{*delivery, webhook->url, webhook->secret_sealed});
      });
  if (!target) return target.error();
  // Gone with its endpoint or its account, or delivered already: nothing to send.
  if (!*target || (*target)->delivery.delivered_at) return Ok{};
  const WebhookDeliveryRecord& delivery = (*target)->delivery;

  std::int64_t now = clock_.NowSeconds();
  int status = 0;
  Status sent = destinations_.CheckUrl((*target)->url);
  if (sent) {
    auto secret = box_.Open((*target)->secret_sealed);
    auto key = secret ? WebhookSecretBytes(*secret) : std::nullopt;
    if (!key) return MakeError(Errc::kInternal, "webhook secret does not open");
    OutboundRequest request;
    request.url = (*target)->url;
    request.timeout = std::chrono::seconds(config_.timeout_seconds);
    request.headers = {
        {"Content-Type", "application/json"},
        {"User-Agent", "Gatehouse-Webhooks/1"},
        {"webhook-id", delivery.id},
        {"webhook-timestamp", std::to_string(now)},
        {"webhook-signature", WebhookSignature(*key, delivery.id, now, delivery.payload)}};
    request.body = delivery.payload;
    request.allow_address = [this](const std::string& ip) {
      return destinations_.AllowsAddress(ip);
    };
    auto response = SendOutbound(request);
    if (!response) {
      sent = MakeError(Errc::kUnavailable, response.error().reason);
    } else {
      status = response->status;
      if (status < 200 || status > 299) {
        sent = MakeError(Errc::kUnavailable, "answered " + std::to_string(status));
      }
    }
  }
  auto recorded = db_.Write<Ok>([&](Connection& sql) -> Status {
    webhook_store::RecordAttempt(sql, delivery.id, now, status, sent ? "" : sent.error().reason,
                                 static_cast<bool>(sent));
    return Ok{};
  });
  // The attempt's outcome stands without its log entry: a delivery sent is not sent again.
  if (!recorded) {
    spdlog::warn("webhook delivery {}: attempt not logged: {}", delivery.id,
                 recorded.error().reason);
  }
  return sent;
}

void WebhookChannel::GiveUp(Connection& sql, const OutboxMessage& message, std::int64_t now) {
  webhook_store::MarkFailed(sql, message.recipient, now);
}

}  // namespace gatehouse
