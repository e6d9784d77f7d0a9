#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace gatehouse {

struct MimeMessageParts {
  std::string from;  // "Name <address>" or a bare address
  std::string to;    // a bare address
  std::string subject;
  std::string text_body;
  std::string html_body;
  std::time_t date = 0;
  std::string message_id;  // without the angle brackets, e.g. "abc@example.com"
  std::string boundary;    // must not occur in either body (a random token never does)
};

// An RFC 5322 message with CRLF line ends: the headers, then a multipart/alternative body
// whose text part comes first and HTML part last (the one a client prefers when it can show
// it). Both parts are UTF-8 in base64, so no line exceeds 78 characters whatever the bodies
// hold, and header values that are not plain ASCII are RFC 2047 encoded words. CR and LF in
// header values become spaces: a line break there would let a value add headers.
std::string ComposeMimeMessage(const MimeMessageParts& parts);

// `value` as it may stand in a header: unchanged when it is printable ASCII, else as
// RFC 2047 "=?UTF-8?B?...?=" words of at most 75 characters, folded onto continuation lines.
std::string EncodeHeaderText(std::string_view value);

}  // namespace gatehouse
