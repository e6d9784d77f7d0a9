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
      lease_seconds_(std::max({config.mail.smtp.timeout_seconds, config.sms.timeout_seconds,
                               config.webhooks.timeout_seconds}) +
                     60) {}

OutboxSender::~OutboxSender() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
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

void OutboxSender::EnqueueFor(Connection& sql, const std::string& channel,
                              const std::string& recipient, std::int64_t now) {
  OutboxMessage message;
  message.id = RandomUuid();
  message.channel = channel;
  message.recipient = recipient;
  message.created_at = now;
  message.next_attempt_at = now;
  outbox_store::Enqueue(sql, message);
}

void OutboxSender::AddChannel(const std::string& name, OutboxChannel& channel, int threads) {
  channels_[name] = {&channel, threads};
}

RetryPolicy OutboxSender::PolicyOf(const OutboxMessage& m) const {
  if (auto added = channels_.find(m.channel); added != channels_.end()) {
    return added->second.channel->retry_policy();
  }
  RetryPolicy policy{config_.max_attempts, config_.retry_base_seconds, 0};
  if (m.channel == "sms") policy.max_age_seconds = kSmsMaxAgeSeconds;
  if (m.channel == "http") policy.max_age_seconds = kPostMaxAgeSeconds;
  return policy;
}

Status OutboxSender::Deliver(const OutboxMessage& m) {
  if (auto added = channels_.find(m.channel); added != channels_.end()) {
    return added->second.channel->Deliver(m);
  }
  RetryPolicy policy = PolicyOf(m);
  if (policy.max_age_seconds > 0 && clock_.NowSeconds() - m.created_at > policy.max_age_seconds) {
    return MakeError(Errc::kUnavailable, "expired before delivery");
  }
  if (m.channel == "http") {
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
  if (m.channel == "sms") return sms_->Send({m.recipient, m.text_body});
  return mailer_->Send({m.recipient, m.subject, m.text_body, m.html_body});
}

void OutboxSender::Start() {
  threads_.emplace_back([this] { Loop({"email", "sms", "http"}); });
  for (const auto& [name, added] : channels_) {
    for (int i = 0; i < added.threads; ++i) {
      threads_.emplace_back([this, name = name] { Loop({name}); });
    }
  }
}

void OutboxSender::Notify() {
  {
    std::lock_guard lock(mutex_);
    ++notified_;
  }
  wake_.notify_all();
}

int OutboxSender::DeliverDue(const std::vector<std::string>& channels) {
  auto due = db_.Run<std::vector<OutboxMessage>>(
      [&](Connection& sql) -> Result<std::vector<OutboxMessage>> {
        return outbox_store::Due(sql, clock_.NowSeconds(), 50, channels);
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
    RetryPolicy policy = PolicyOf(m);
    auto recorded = db_.Transaction<Ok>([&](Connection& sql) -> Status {
      if (sent) {
        outbox_store::Delete(sql, m.id);
      } else if (m.attempts + 1 >= policy.max_attempts ||
                 (policy.max_age_seconds > 0 && now - m.created_at > policy.max_age_seconds)) {
        spdlog::error("outbox: giving up on message {} after {} attempts: {}", m.id, m.attempts + 1,
                      sent.error().reason);
        outbox_store::Delete(sql, m.id);
        if (auto added = channels_.find(m.channel); added != channels_.end()) {
          added->second.channel->GiveUp(sql, m, now);
        }
      } else {
        std::int64_t delay = std::min<std::int64_t>(
            3600, std::int64_t{policy.base_seconds} << std::min(m.attempts, 10));
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

void OutboxSender::Loop(std::vector<std::string> channels) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || notified_ != seen; });
      if (stopping_) return;
      seen = notified_;
    }
    DeliverDue(channels);
  }
}

}  // namespace gatehouse
