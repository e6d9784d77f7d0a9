#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"

namespace gatehouse {

struct EmailMessage {
  std::string to;
  std::string subject;
  std::string text_body;
  std::string html_body;
};

// Delivers one e-mail now (blocking). Called only by the outbox sender, never on a request
// path. Implementations are thread-compatible (one caller at a time).
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual Status Send(const EmailMessage& message) = 0;
};

// Writes each message to the log; the embedded default for development.
class LogMailer final : public Mailer {
 public:
  Status Send(const EmailMessage& message) override;
};

// SMTP (notify/smtp_client.hpp): none / STARTTLS / implicit TLS, optional login, a text and
// an HTML part (notify/mime_message.hpp).
class SmtpMailer final : public Mailer {
 public:
  SmtpMailer(SmtpConfig config, std::string from);
  Status Send(const EmailMessage& message) override;

 private:
  SmtpConfig config_;
  std::string from_;  // "Name <address>" or a bare address
};

std::unique_ptr<Mailer> MakeMailer(const MailConfig& config);

// The bare address of a "Name <address>" From value.
std::string AddressOf(const std::string& from);

}  // namespace gatehouse
