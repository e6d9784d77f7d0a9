#include "notify/mime_message.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <sstream>
#include <vector>

namespace gatehouse {
namespace {

std::string FromBase64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                              text.size(), "\r\n", &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  out.resize(len);
  return out;
}

std::vector<std::string> Lines(const std::string& message) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = message.find("\r\n", start)) != std::string::npos; start = end + 2) {
    lines.push_back(message.substr(start, end - start));
  }
  EXPECT_EQ(start, message.size()) << "the message ends with CRLF";
  return lines;
}

// The text of every encoded word in a header value, joined.
std::string DecodeWords(const std::string& value) {
  std::string out;
  for (std::size_t at = 0; (at = value.find("=?UTF-8?B?", at)) != std::string::npos;) {
    std::size_t end = value.find("?=", at + 10);
    out += FromBase64(value.substr(at + 10, end - at - 10));
    at = end + 2;
  }
  return out;
}

MimeMessageParts Sample() {
  return MimeMessageParts{
      .from = "Gatehouse <no-reply@example.com>",
      .to = "ada@example.org",
      .subject = "Confirm your address",
      .text_body = "Hello Ada,\nyour code: 123456\n",
      .html_body = "<p>" + std::string(300, 'x') + " é</p>",
      .date = 0,
      .message_id = "abc@example.com",
      .boundary = "=_boundary",
  };
}

TEST(MimeMessage, HeadersThenBothPartsInBase64WithShortCrlfLines) {
  std::string message = ComposeMimeMessage(Sample());
  EXPECT_TRUE(message.starts_with("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
  EXPECT_NE(message.find("\r\nFrom: Gatehouse <no-reply@example.com>\r\n"), std::string::npos);
  EXPECT_NE(message.find("\r\nTo: ada@example.org\r\n"), std::string::npos);
  EXPECT_NE(message.find("\r\nSubject: Confirm your address\r\n"), std::string::npos);
  EXPECT_NE(message.find("\r\nMessage-ID: <abc@example.com>\r\n"), std::string::npos);
  EXPECT_NE(message.find("\r\nContent-Type: multipart/alternative; boundary=\"=_boundary\"\r\n"),
            std::string::npos);
  for (const std::string& line : Lines(message)) {
    EXPECT_LE(line.size(), 78u) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << "no bare LF";
  }
  auto text_at =
      message.find("text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  auto html_at =
      message.find("text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  ASSERT_NE(text_at, std::string::npos);
  ASSERT_NE(html_at, std::string::npos);
  EXPECT_LT(text_at, html_at) << "the part a client prefers comes last";
  auto body_of = [&](std::size_t header_at) {
    std::size_t start = message.find("\r\n\r\n", header_at) + 4;
    return FromBase64(message.substr(start, message.find("--=_boundary", start) - start));
  };
  EXPECT_EQ(body_of(text_at), Sample().text_body);
  EXPECT_EQ(body_of(html_at), Sample().html_body);
  EXPECT_TRUE(message.ends_with("--=_boundary--\r\n"));
}

TEST(MimeMessage, NonAsciiHeaderValuesBecomeEncodedWordsThatNeverSplitACharacter) {
  EXPECT_EQ(EncodeHeaderText("Plain ASCII subject"), "Plain ASCII subject");
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "Ünïcødé ";  // 2-byte characters, 200+ bytes
  std::string encoded = EncodeHeaderText(subject);
  EXPECT_EQ(DecodeWords(encoded), subject);
  std::size_t start = 0;
  for (std::size_t end; start < encoded.size(); start = end + 3) {
    end = encoded.find("\r\n ", start);
    if (end == std::string::npos) end = encoded.size();
    std::string word = encoded.substr(start, end - start);
    EXPECT_LE(word.size(), 75u) << word;
    std::string text = DecodeWords(word);
    EXPECT_NE(static_cast<unsigned char>(text[0]) & 0xC0, 0x80) << "starts mid-character";
  }
}

TEST(MimeMessage, LineBreaksInHeaderValuesCannotAddHeaders) {
  MimeMessageParts parts = Sample();
  parts.subject = "hello\r\nBcc: victim@example.net";
  parts.to = "ada@example.org\nX-Injected: 1";
  std::string message = ComposeMimeMessage(parts);
  for (const std::string& line : Lines(message)) {
    EXPECT_FALSE(line.starts_with("Bcc:")) << line;
    EXPECT_FALSE(line.starts_with("X-Injected:")) << line;
  }
}

TEST(MimeMessage, DisplayNamesAreQuotedOrEncodedAsNeeded) {
  MimeMessageParts parts = Sample();
  parts.from = "Acme, Inc. <no-reply@acme.test>";
  EXPECT_NE(ComposeMimeMessage(parts).find("\r\nFrom: \"Acme, Inc.\" <no-reply@acme.test>\r\n"),
            std::string::npos);
  parts.from = "Café <no-reply@acme.test>";
  std::string message = ComposeMimeMessage(parts);
  EXPECT_NE(message.find("\r\nFrom: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(message.find("?= <no-reply@acme.test>\r\n"), std::string::npos);
  parts.from = "no-reply@acme.test";
  EXPECT_NE(ComposeMimeMessage(parts).find("\r\nFrom: no-reply@acme.test\r\n"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse
