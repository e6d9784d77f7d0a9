#include "notify/mailer.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

// Header values come from our own templates and normalised addresses, but CR/LF is removed
// anyway: a line break in a header value would let a caller inject headers.
std::string HeaderSafe(std::string value) {
  for (char& ch : value) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  return value;
}

struct Payload {
  std::string data;
  std::size_t offset = 0;
};

}  // namespace

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
  CURL* curl = curl_easy_init();
  if (!curl) return MakeError(Errc::kUnavailable, "curl_easy_init failed");
  std::string scheme = config_.security == "tls" ? "smtps://" : "smtp://";
  std::string url = scheme + config_.host + ":" + std::to_string(config_.port);
  std::string from_address = "<" + AddressOf(from_) + ">";
  std::string to_address = "<" + m.to + ">";

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_address.c_str());
  curl_slist* recipients = curl_slist_append(nullptr, to_address.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout_seconds));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // STARTTLS is required, never opportunistic: a server that does not offer it gets no mail
  // rather than a plaintext downgrade.
  if (config_.security == "starttls") curl_easy_setopt(curl, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  if (!config_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str());
  if (!config_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
  }

  curl_slist* headers = nullptr;
  std::string date_header;
  {
    char buf[64];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    date_header = std::string("Date: ") + buf;
  }
  std::string header_lines[] = {
      date_header,
      "From: " + HeaderSafe(from_),
      "To: " + HeaderSafe(m.to),
      "Subject: " + HeaderSafe(m.subject),
      "Message-ID: <" + RandomToken(16) + "@" +
          HeaderSafe(AddressOf(from_).substr(AddressOf(from_).find('@') + 1)) + ">",
  };
  for (const auto& h : header_lines) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  // multipart/alternative: text first, HTML preferred by clients that render it.
  curl_mime* mime = curl_mime_init(curl);
  curl_mime* alternative = curl_mime_init(curl);
  curl_mimepart* part = curl_mime_addpart(alternative);
  curl_mime_data(part, m.text_body.c_str(), CURL_ZERO_TERMINATED);
  curl_mime_type(part, "text/plain; charset=utf-8");
  part = curl_mime_addpart(alternative);
  curl_mime_data(part, m.html_body.c_str(), CURL_ZERO_TERMINATED);
  curl_mime_type(part, "text/html; charset=utf-8");
  part = curl_mime_addpart(mime);
  curl_mime_subparts(part, alternative);
  curl_mime_type(part, "multipart/alternative");
  curl_slist* part_headers = curl_slist_append(nullptr, "Content-Disposition: inline");
  curl_mime_headers(part, part_headers, 1);
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(recipients);
  curl_slist_free_all(headers);
  curl_mime_free(mime);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return MakeError(Errc::kUnavailable, std::string("SMTP: ") + curl_easy_strerror(rc));
  }
  return Ok{};
}

std::unique_ptr<Mailer> MakeMailer(const MailConfig& config) {
  if (config.transport == "smtp") return std::make_unique<SmtpMailer>(config.smtp, config.from);
  return std::make_unique<LogMailer>();
}

}  // namespace gatehouse
