#include "notify/mailer.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "crypto/random.hpp"
#include "notify/mime_message.hpp"
#include "notify/smtp_client.hpp"

namespace gatehouse {

std::string AddressOf(const std::string& from) {
  auto open = from.find('<');
  auto close = from.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return from.substr(open + 1, close - open - 1);
  }
  return from;
}

Status LogMailer::Send(const EmailMessage& m) {
  spdlog::info("mail (log transport) to={} subject=\"{}\"\n{}", m.to, m.subject, m.text_body);
  return Ok{};
}

SmtpMailer::SmtpMailer(SmtpConfig config, std::string from)
    : config_(std::move(config)), from_(std::move(from)) {}

Status SmtpMailer::Send(const EmailMessage& m) {
  std::string from_address = AddressOf(from_);
  MimeMessageParts parts{
      .from = from_,
      .to = m.to,
      .subject = m.subject,
      .text_body = m.text_body,
      .html_body = m.html_body,
      .date = std::time(nullptr),
      .message_id = RandomToken(16) + "@" + from_address.substr(from_address.find('@') + 1),
      .boundary = "=_" + RandomToken(18),
  };
  return DeliverBySmtp(config_, SmtpEnvelope{from_address, m.to}, ComposeMimeMessage(parts));
}

std::unique_ptr<Mailer> MakeMailer(const MailConfig& config) {
  if (config.transport == "smtp") return std::make_unique<SmtpMailer>(config.smtp, config.from);
  return std::make_unique<LogMailer>();
}

}  // namespace gatehouse
