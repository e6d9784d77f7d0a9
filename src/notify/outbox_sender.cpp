#include "notify/outbox_sender.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "crypto/random.hpp"
#include "http/outbound_client.hpp"
#include "store/outbox_store.hpp"

namespace gatehouse {

OutboxSender::OutboxSender(Database& db, std::unique_ptr<Mailer> mailer,
                           std::unique_ptr<SmsSender> sms, const Clock& clock, const Config& config)
    : db_(db),
      mailer_(std::move(mailer)),
      sms_(std::move(sms)),
      clock_(clock),
      config_(config.mail),
      lease_seconds_(std::max(config.mail.smtp.timeout_seconds, config.sms.timeout_seconds) + 60) {}

OutboxSender::~OutboxSender() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxSender::Enqueue(Connection& sql, const std::string& to, const RenderedMessage& rendered,
                           std::int64_t now) {
  OutboxMessage message;
  message.id = RandomUuid();
  message.recipient = to;
  message.subject = rendered.subject;
  message.text_body = rendered.text_body;
  message.html_body = rendered.html_body;
  message.created_at = now;
  message.next_attempt_at = now;
  outbox_store::Enqueue(sql, message);
}

void OutboxSender::EnqueueSms(Connection& sql, const std::string& to, const std::string& text,
                              std::int64_t now) {
  OutboxMessage message;
  message.id = RandomUuid();
  message.channel = "sms";
  message.recipient = to;
  message.text_body = text;
  message.created_at = now;
  message.next_attempt_at = now;
  outbox_store::Enqueue(sql, message);
}

void OutboxSender::EnqueuePost(Connection& sql, const std::string& url,
                               const std::string& content_type, const std::string& body,
                               std::int64_t now) {
  OutboxMessage message;
  message.id = RandomUuid();
  message.channel = "http";
  message.recipient = url;
  message.subject = content_type;
  message.text_body = body;
  message.created_at = now;
  message.next_attempt_at = now;
  outbox_store::Enqueue(sql, message);
}

Status OutboxSender::Deliver(const OutboxMessage& m) {
  if (m.channel == "http") {
    if (clock_.NowSeconds() - m.created_at > kPostMaxAgeSeconds) {
      return MakeError(Errc::kUnavailable, "expired before delivery");
    }
    OutboundRequest request;
    request.url = m.recipient;
    request.headers = {{"Content-Type", m.subject}};
    request.body = m.text_body;
    auto response = SendOutbound(request);
    if (!response) return MakeError(Errc::kUnavailable, "POST: " + response.error().reason);
    if (response->status < 200 || response->status > 299) {
      return MakeError(Errc::kUnavailable, "POST answered " + std::to_string(response->status));
    }
    return Ok{};
  }
  if (m.channel == "sms") {
    if (clock_.NowSeconds() - m.created_at > kSmsMaxAgeSeconds) {
      return MakeError(Errc::kUnavailable, "expired before delivery");
    }
    return sms_->Send({m.recipient, m.text_body});
  }
  return mailer_->Send({m.recipient, m.subject, m.text_body, m.html_body});
}

void OutboxSender::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void OutboxSender::Notify() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_one();
}

int OutboxSender::DeliverDue() {
  auto due = db_.Run<std::vector<OutboxMessage>>(
      [&](Connection& sql) -> Result<std::vector<OutboxMessage>> {
        return outbox_store::Due(sql, clock_.NowSeconds(), 50);
      });
  if (!due) return 0;
  int delivered = 0;
  for (const OutboxMessage& m : *due) {
    // Claimed before sending, so two instances never both send it; a sender that dies
    // mid-delivery leaves it to be retried when the lease ends.
    std::int64_t lease_until = clock_.NowSeconds() + lease_seconds_;
    auto claimed = db_.Transaction<bool>([&](Connection& sql) -> Result<bool> {
      return outbox_store::Claim(sql, m.id, m.next_attempt_at, lease_until);
    });
    if (!claimed || !*claimed) continue;
    Status sent = Deliver(m);
    std::int64_t now = clock_.NowSeconds();
    auto recorded = db_.Transaction<Ok>([&](Connection& sql) -> Status {
      if (sent) {
        outbox_store::Delete(sql, m.id);
      } else if (m.attempts + 1 >= config_.max_attempts ||
                 (m.channel == "sms" && now - m.created_at > kSmsMaxAgeSeconds) ||
                 (m.channel == "http" && now - m.created_at > kPostMaxAgeSeconds)) {
        spdlog::error("outbox: giving up on message {} after {} attempts: {}", m.id, m.attempts + 1,
                      sent.error().reason);
        outbox_store::Delete(sql, m.id);
      } else {
        std::int64_t delay = std::min<std::int64_t>(
            3600, std::int64_t{config_.retry_base_seconds} << std::min(m.attempts, 10));
        outbox_store::RecordFailure(sql, m.id, m.attempts + 1, now + delay, sent.error().reason);
        spdlog::warn("outbox: message {} not delivered (attempt {}), retry in {} s: {}", m.id,
                     m.attempts + 1, delay, sent.error().reason);
      }
      return Ok{};
    });
    if (sent && recorded) ++delivered;
  }
  return delivered;
}

void OutboxSender::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || pending_; });
      if (stopping_) return;
      pending_ = false;
    }
    DeliverDue();
  }
}

}  // namespace gatehouse
