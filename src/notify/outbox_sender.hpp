#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "notify/mailer.hpp"
#include "notify/templates.hpp"
#include "store/database.hpp"

namespace gatehouse {

// Delivers queued outbox messages in the background with exponential backoff, so a slow or
// dead SMTP server never slows or fails a request and loses no mail.
class OutboxSender {
 public:
  OutboxSender(Database& db, std::unique_ptr<Mailer> mailer, const Clock& clock,
               const MailConfig& config);
  ~OutboxSender();  // stops after the delivery in progress

  // Queues an e-mail inside the caller's transaction, so that it is sent exactly when the
  // change that causes it commits. Call Notify() after the commit.
  static void Enqueue(soci::session& sql, const std::string& to, const RenderedMessage& message,
                      std::int64_t now);

  void Start();
  // Wakes the sender (a message was just queued).
  void Notify();
  // Attempts every due message once; returns how many were delivered. Used by the thread.
  int DeliverDue();

 private:
  void Loop();

  Database& db_;
  std::unique_ptr<Mailer> mailer_;
  const Clock& clock_;
  MailConfig config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gatehouse
