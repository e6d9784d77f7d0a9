#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/result.hpp"

namespace gatehouse {

struct SmtpEnvelope {
  std::string from;  // bare address: MAIL FROM
  std::string to;    // bare address: RCPT TO
};

// Delivers `message` (RFC 5322 text with CRLF line ends) to one recipient in one SMTP
// session (RFC 5321), blocking the calling thread for at most config.timeout_seconds:
// - security "tls": TLS from the first byte (RFC 8314); "starttls": STARTTLS is required, a
//   server that does not offer it gets nothing (no plaintext downgrade); "none": plaintext.
//   Certificates are verified against config.ca_file or the system's trust store and must
//   name config.host.
// - with config.username: AUTH PLAIN, or LOGIN when the server offers only that.
// An error names the step and the server's reply, never the password.
Status DeliverBySmtp(const SmtpConfig& config, const SmtpEnvelope& envelope,
                     std::string_view message);

// `message` as the DATA step sends it: every line that starts with "." gets another one
// (RFC 5321 §4.5.2), and the terminating "<CRLF>.<CRLF>" is appended.
std::string DotStuffed(std::string_view message);

}  // namespace gatehouse
