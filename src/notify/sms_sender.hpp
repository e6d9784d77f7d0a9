#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"

namespace gatehouse {

struct SmsMessage {
  std::string to;  // E.164
  std::string body;
};

// Delivers one text message now (blocking). Called only by the outbox sender, never on a
// request path. Implementations are thread-compatible (one caller at a time).
class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual Status Send(const SmsMessage& message) = 0;
};

// Writes each message to the log; the embedded default for development.
class LogSmsSender final : public SmsSender {
 public:
  Status Send(const SmsMessage& message) override;
};

// Twilio's Messages API, or any service that speaks it: a form POST of To, From and Body with
// basic authentication, answered 2xx when accepted.
class TwilioSmsSender final : public SmsSender {
 public:
  TwilioSmsSender(TwilioConfig config, int timeout_seconds);
  Status Send(const SmsMessage& message) override;

 private:
  TwilioConfig config_;
  int timeout_seconds_;
};

std::unique_ptr<SmsSender> MakeSmsSender(const SmsConfig& config);

}  // namespace gatehouse
