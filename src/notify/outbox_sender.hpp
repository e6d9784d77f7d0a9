#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "notify/mailer.hpp"
#include "notify/sms_sender.hpp"
#include "notify/templates.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace gatehouse {

// Delivers queued outbox messages (e-mail, SMS, HTTP posts) in the background with exponential
// backoff, so a slow or dead SMTP server or SMS provider never slows or fails a request and
// loses no mail.
class OutboxSender {
 public:
  // A text message carries a code valid this long; one not delivered by then is dropped.
  static constexpr std::int64_t kSmsMaxAgeSeconds = std::int64_t{10} * 60;
  // A posted logout token expires this long after it is made: later tries are pointless.
  static constexpr std::int64_t kPostMaxAgeSeconds = std::int64_t{10} * 60;

  OutboxSender(Database& db, std::unique_ptr<Mailer> mailer, std::unique_ptr<SmsSender> sms,
               const Clock& clock, const Config& config);
  ~OutboxSender();  // stops after the delivery in progress

  // Queues an e-mail inside the caller's transaction, so that it is sent exactly when the
  // change that causes it commits. Call Notify() after the commit.
  static void Enqueue(Connection& sql, const std::string& to, const RenderedMessage& message,
                      std::int64_t now);
  // Queues a text message to an E.164 number, the same way.
  static void EnqueueSms(Connection& sql, const std::string& to, const std::string& text,
                         std::int64_t now);

  // Queues an HTTP POST of `body` to `url`, the same way (back-channel logout tokens, later
  // webhooks). Success is a 2xx answer.
  static void EnqueuePost(Connection& sql, const std::string& url, const std::string& content_type,
                          const std::string& body, std::int64_t now);

  void Start();
  // Wakes the sender (a message was just queued).
  void Notify();
  // Attempts every due message once; returns how many were delivered. Used by the thread.
  int DeliverDue();

 private:
  void Loop();
  Status Deliver(const OutboxMessage& message);

  Database& db_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<SmsSender> sms_;
  const Clock& clock_;
  MailConfig config_;
  // How long a claimed message stays reserved for its sender: longer than any delivery try.
  std::int64_t lease_seconds_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gatehouse
