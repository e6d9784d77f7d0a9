#include "notify/mime_message.hpp"

#include "crypto/random.hpp"
#include "notify/mailer.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// RFC 2045 §6.8: base64 lines of at most 76 characters.
std::string Base64Lines(std::string_view bytes) {
  std::string encoded = Base64Encode(bytes);
  std::string out;
  for (std::size_t at = 0; at < encoded.size(); at += 76) {
    out.append(encoded, at, 76);
    out += kCrlf;
  }
  return out;
}

std::string OneLine(std::string_view value) {
  std::string out(value);
  for (char& ch : out) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  return out;
}

bool IsPrintableAscii(std::string_view value) {
  for (unsigned char ch : value) {
    if (ch < 0x20 || ch > 0x7e) return false;
  }
  return true;
}

// A display name as RFC 5322 allows it: an atom sequence as it is, other ASCII quoted, the
// rest as encoded words.
std::string DisplayName(std::string_view name) {
  if (!IsPrintableAscii(name)) return EncodeHeaderText(name);
  if (name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos) return std::string(name);
  std::string quoted = "\"";
  for (char ch : name) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  return quoted + "\"";
}

std::string FromHeader(const std::string& from) {
  std::string address = AddressOf(from);
  auto open = from.find('<');
  if (open == std::string::npos) return address;
  std::string name = from.substr(0, open);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty()) return "<" + address + ">";
  return DisplayName(name) + " <" + address + ">";
}

std::string Part(std::string_view content_type, std::string_view body) {
  std::string out = "Content-Type: ";
  out += content_type;
  out += kCrlf;
  out += "Content-Transfer-Encoding: base64";
  out += kCrlf;
  out += kCrlf;
  out += Base64Lines(body);
  return out;
}

}  // namespace

std::string EncodeHeaderText(std::string_view value) {
  if (IsPrintableAscii(value)) return std::string(value);
  // 45 bytes of UTF-8 make 60 base64 characters, 72 with "=?UTF-8?B?" and "?=". A word
  // never splits a character: it ends before a continuation byte (10xxxxxx).
  constexpr std::size_t kBytesPerWord = 45;
  std::string out;
  std::size_t at = 0;
  while (at < value.size()) {
    std::size_t end = std::min(at + kBytesPerWord, value.size());
    while (end > at + 1 && end < value.size() && (value[end] & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(value.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string ComposeMimeMessage(const MimeMessageParts& parts) {
  char date[64];
  std::tm tm{};
  gmtime_r(&parts.date, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);

  std::string boundary = OneLine(parts.boundary);
  std::string out;
  auto header = [&out](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += kCrlf;
  };
  header("Date", date);
  header("From", FromHeader(OneLine(parts.from)));
  header("To", OneLine(parts.to));
  header("Subject", EncodeHeaderText(OneLine(parts.subject)));
  header("Message-ID", "<" + OneLine(parts.message_id) + ">");
  header("MIME-Version", "1.0");
  header("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  out += kCrlf;
  out += "--" + boundary + "\r\n";
  out += Part("text/plain; charset=utf-8", parts.text_body);
  out += "--" + boundary + "\r\n";
  out += Part("text/html; charset=utf-8", parts.html_body);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace gatehouse
