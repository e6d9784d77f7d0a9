// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "notify/smtp_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <optional>

#include "crypto/random.hpp"
#include "net/deadline.hpp"
#include "net/tls_client.hpp"

namespace gatehouse {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t kReplyLimit = 64 * 1024;  // a server that talks more is not SMTP

struct SmtpReply {
  int code = 0;
  std::string text;  // every line's text, newline-separated
};

// An address in a command must not end the command or the angle brackets around it.
bool SafeInCommand(std::string_view address) {
  return !address.empty() && address.find_first_of("\r\n<>") == std::string_view::npos;
}

// Whether the EHLO reply lists `keyword` as an extension (a line of its own, maybe with
// parameters), case-insensitively.
bool Offers(const SmtpReply& ehlo, std::string_view keyword, std::string* parameters = nullptr) {
  std::size_t start = 0;
  while (start <= ehlo.text.size()) {
    std::size_t end = ehlo.text.find('\n', start);
    if (end == std::string::npos) end = ehlo.text.size();
    std::string_view line(ehlo.text.data() + start, end - start);
    if (line.size() >= keyword.size() &&
        strncasecmp(line.data(), keyword.data(), keyword.size()) == 0 &&
        (line.size() == keyword.size() || line[keyword.size()] == ' ' ||
         line[keyword.size()] == '=')) {
      if (parameters)
        *parameters = std::string(line.substr(std::min(line.size(), keyword.size() + 1)));
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool HasWord(std::string_view words, std::string_view word) {
  std::size_t start = 0;
  while (start < words.size()) {
    std::size_t end = words.find(' ', start);
    if (end == std::string_view::npos) end = words.size();
    std::string_view w = words.substr(start, end - start);
    if (w.size() == word.size() && strncasecmp(w.data(), word.data(), w.size()) == 0) return true;
    start = end + 1;
  }
  return false;
}

// One SMTP session over TCP, upgraded to TLS at once or after STARTTLS.
class SmtpSession {
 public:
  SmtpSession(asio::io_context& io, const SmtpConfig& config, asio::ssl::context& tls)
      : config_(config), socket_(io), tls_context_(tls) {}

  asio::awaitable<Status> Deliver(SmtpEnvelope envelope, std::string data) {
    error_code error;
    tcp::resolver resolver(socket_.get_executor());
    auto endpoints =
        co_await resolver.async_resolve(config_.host, std::to_string(config_.port),
                                        asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return Failed("resolving " + config_.host, error);
    co_await asio::async_connect(socket_, endpoints,
                                 asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return Failed("connecting", error);

    if (config_.security == "tls") {
      if (Status started = co_await StartTls(); !started) co_return started;
    }
    if (auto greeting = co_await Expect("greeting", 220); !greeting) co_return greeting.error();
    auto ehlo = co_await Command("EHLO", "EHLO " + HeloName(envelope.from), 250);
    if (!ehlo) co_return ehlo.error();

    if (config_.security == "starttls") {
      if (!Offers(*ehlo, "STARTTLS")) {
        co_return MakeError(Errc::kUnavailable,
                            "SMTP: the server does not offer STARTTLS; nothing sent in plaintext");
      }
      if (auto ready = co_await Command("STARTTLS", "STARTTLS", 220); !ready)
        co_return ready.error();
      // Bytes after the 220 arrived before the encryption and would be read as if they came
      // through it (the injection of CVE-2011-0411, from the other side).
      if (input_.size() != 0) {
        co_return MakeError(Errc::kUnavailable, "SMTP: plaintext data after STARTTLS");
      }
      if (Status started = co_await StartTls(); !started) co_return started;
      ehlo = co_await Command("EHLO", "EHLO " + HeloName(envelope.from), 250);
      if (!ehlo) co_return ehlo.error();
    }
    if (!config_.username.empty()) {
      if (Status authenticated = co_await Authenticate(*ehlo); !authenticated) {
        co_return authenticated;
      }
    }
    if (auto r = co_await Command("MAIL FROM", "MAIL FROM:<" + envelope.from + ">", 250); !r) {
      co_return r.error();
    }
    auto rcpt = co_await Command("RCPT TO", "RCPT TO:<" + envelope.to + ">", 250, 251);
    if (!rcpt) co_return rcpt.error();
    if (auto r = co_await Command("DATA", "DATA", 354); !r) co_return r.error();
    if (Status sent = co_await Write(data); !sent) co_return sent;
    if (auto accepted = co_await Expect("end of data", 250); !accepted) co_return accepted.error();
    co_await Write("QUIT\r\n");  // the message is accepted; the reply to QUIT changes nothing
    co_return Ok{};
  }

 private:
  static Error Failed(const std::string& step, const error_code& error) {
    return MakeError(Errc::kUnavailable, "SMTP " + step + ": " + error.message());
  }

  // The domain of the sender's address: what the client announces itself as (RFC 5321 §4.1.1.1
  // wants a name; the sending domain is the one a receiver can check).
  static std::string HeloName(const std::string& from) {
    auto at = from.rfind('@');
    std::string domain = at == std::string::npos ? "" : from.substr(at + 1);
    return domain.empty() ? "localhost" : domain;
  }

  asio::awaitable<Status> StartTls() {
    tls_.emplace(socket_, tls_context_);
    if (!ExpectServerName(tls_->native_handle(), config_.host)) {
      co_return MakeError(Errc::kUnavailable,
                          "SMTP: cannot check a certificate for " + config_.host);
    }
    error_code error;
    co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return Failed("TLS handshake", error);
    co_return Ok{};
  }

  asio::awaitable<Status> Authenticate(const SmtpReply& ehlo) {
    std::string mechanisms;
    if (!Offers(ehlo, "AUTH", &mechanisms)) {
      co_return MakeError(Errc::kUnavailable,
                          "SMTP: a login is configured but the server offers no AUTH");
    }
    if (HasWord(mechanisms, "PLAIN")) {
      std::string credentials = std::string(1, '\0') + config_.username + '\0' + config_.password;
      auto r = co_await Command("AUTH PLAIN", "AUTH PLAIN " + Base64Encode(credentials), 235);
      if (!r) co_return r.error();
      co_return Ok{};
    }
    if (HasWord(mechanisms, "LOGIN")) {
      if (auto r = co_await Command("AUTH LOGIN", "AUTH LOGIN", 334); !r) co_return r.error();
      if (auto r = co_await Command("AUTH LOGIN", Base64Encode(config_.username), 334); !r)
        co_return r.error();
      if (auto r = co_await Command("AUTH LOGIN", Base64Encode(config_.password), 235); !r)
        co_return r.error();
      co_return Ok{};
    }
    co_return MakeError(Errc::kUnavailable, "SMTP: the server offers neither AUTH PLAIN nor LOGIN");
  }

  // Sends `line` and expects a reply with `code` (or `other_code`). `step` names the command in
  // an error, so that credentials in `line` never reach the log.
  asio::awaitable<Result<SmtpReply>> Command(const std::string& step, const std::string& line,
                                             int code, int other_code = 0) {
    if (line.find_first_of("\r\n") != std::string::npos) {
      co_return MakeError(Errc::kUnavailable, "SMTP " + step + ": refusing a line break");
    }
    if (Status sent = co_await Write(line + "\r\n"); !sent) co_return sent.error();
    co_return co_await Expect(step, code, other_code);
  }

  asio::awaitable<Result<SmtpReply>> Expect(const std::string& step, int code, int other_code = 0) {
    auto reply = co_await ReadReply();
    if (!reply) co_return reply.error();
    if (reply->code != code && (other_code == 0 || reply->code != other_code)) {
      co_return MakeError(Errc::kUnavailable, "SMTP " + step + ": the server answered " +
                                                  std::to_string(reply->code) + " " + reply->text);
    }
    co_return reply;
  }

  // A reply is lines "ddd-text" ending with a line "ddd text" or "ddd" (RFC 5321 §4.2.1).
  asio::awaitable<Result<SmtpReply>> ReadReply() {
    SmtpReply reply;
    for (;;) {
      error_code error;
      std::size_t n =
          tls_ ? co_await asio::async_read_until(*tls_, input_, "\r\n",
                                                 asio::redirect_error(asio::use_awaitable, error))
               : co_await asio::async_read_until(socket_, input_, "\r\n",
                                                 asio::redirect_error(asio::use_awaitable, error));
      if (error) co_return Failed("reading a reply", error);
      std::string line(asio::buffers_begin(input_.data()),
                       asio::buffers_begin(input_.data()) + n - 2);
      input_.consume(n);
      if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
          !std::isdigit(static_cast<unsigned char>(line[1])) ||
          !std::isdigit(static_cast<unsigned char>(line[2])) ||
          (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
        co_return MakeError(Errc::kUnavailable, "SMTP: a reply that is not SMTP");
      }
      int code = std::stoi(line.substr(0, 3));
      if (reply.code != 0 && code != reply.code) {
        co_return MakeError(Errc::kUnavailable, "SMTP: a multi-line reply changed its code");
      }
      reply.code = code;
      if (!reply.text.empty()) reply.text += '\n';
      reply.text += line.size() > 4 ? line.substr(4) : "";
      if (reply.text.size() > kReplyLimit)
        co_return MakeError(Errc::kUnavailable, "SMTP: reply too long");
      if (line.size() == 3 || line[3] == ' ') co_return reply;
    }
  }

  asio::awaitable<Status> Write(std::string_view bytes) {
    error_code error;
    if (tls_) {
      co_await asio::async_write(*tls_, asio::buffer(bytes),
                                 asio::redirect_error(asio::use_awaitable, error));
    } else {
      co_await asio::async_write(socket_, asio::buffer(bytes),
                                 asio::redirect_error(asio::use_awaitable, error));
    }
    if (error) co_return Failed("writing", error);
    co_return Ok{};
  }

  const SmtpConfig& config_;
  tcp::socket socket_;
  asio::ssl::context& tls_context_;
  std::optional<asio::ssl::stream<tcp::socket&>> tls_;
  asio::streambuf input_{kReplyLimit};
};

asio::awaitable<Status> Converse(asio::io_context& io, const SmtpConfig& config,
                                 asio::ssl::context& tls, SmtpEnvelope envelope, std::string data) {
  SmtpSession session(io, config, tls);
  co_return co_await session.Deliver(std::move(envelope), std::move(data));
}

}  // namespace

std::string DotStuffed(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 64);
  bool line_start = true;
  for (char ch : message) {
    if (line_start && ch == '.') out += '.';
    out += ch;
    line_start = ch == '\n';
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  out += ".\r\n";
  return out;
}

Status DeliverBySmtp(const SmtpConfig& config, const SmtpEnvelope& envelope,
                     std::string_view message) {
  if (!SafeInCommand(envelope.from) || !SafeInCommand(envelope.to)) {
    return MakeError(Errc::kInvalidRequest, "SMTP: an address with a line break or bracket");
  }
  auto tls = MakeVerifyingTlsContext(config.ca_file);
  if (!tls) return tls.error();
  return RunWithDeadline<Ok>(std::chrono::seconds(config.timeout_seconds), "SMTP delivery",
                             [&](asio::io_context& io) {
                               return Converse(io, config, *tls, envelope, DotStuffed(message));
                             });
}

}  // namespace gatehouse
