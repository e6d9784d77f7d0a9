#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "notify/mailer.hpp"
#include "notify/outbox_channel.hpp"
#include "notify/sms_sender.hpp"
#include "notify/templates.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace gatehouse {

// Delivers queued outbox messages (e-mail, SMS, HTTP posts, and those of added channels such as
// webhooks) in the background with exponential backoff, so a slow or dead SMTP server, SMS
// provider or receiver never slows or fails a request and loses no message. Each added channel
// has a thread of its own: a receiver that hangs delays no e-mail.
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

  // Queues an HTTP POST of `body` to `url`, the same way (back-channel logout tokens).
  // Success is a 2xx answer.
  static void EnqueuePost(Connection& sql, const std::string& url, const std::string& content_type,
                          const std::string& body, std::int64_t now);
  // Queues a message of an added channel, the same way; `recipient` tells the channel what to
  // deliver.
  static void EnqueueFor(Connection& sql, const std::string& channel, const std::string& recipient,
                         std::int64_t now);

  // Has `channel` deliver the messages queued for `name`, on `threads` threads of its own (each
  // message claimed by one of them, so that a receiver that hangs holds up one thread only).
  // Call before Start.
  void AddChannel(const std::string& name, OutboxChannel& channel, int threads);
  void Start();
  // Wakes the sender (a message was just queued).
  void Notify();

 private:
  // Attempts every due message of `channels` once; returns how many were delivered.
  int DeliverDue(const std::vector<std::string>& channels);
  void Loop(std::vector<std::string> channels);
  Status Deliver(const OutboxMessage& message);
  RetryPolicy PolicyOf(const OutboxMessage& message) const;

  Database& db_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<SmsSender> sms_;
  const Clock& clock_;
  MailConfig config_;
  struct AddedChannel {
    OutboxChannel* channel;
    int threads;
  };
  std::map<std::string, AddedChannel, std::less<>> channels_;  // by name
  // How long a claimed message stays reserved for its sender: longer than any delivery try.
  std::int64_t lease_seconds_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t notified_ = 0;  // Notify calls; each thread delivers after a new one. Guarded.
  bool stopping_ = false;       // guarded by mutex_
  std::vector<std::thread> threads_;  // one for the built-in channels, those of added ones
};

}  // namespace gatehouse
