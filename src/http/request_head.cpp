#include "http/request_head.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace gatehouse {
namespace {

constexpr std::array<std::string_view, 7> kImplementedMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                                 "PATCH", "DELETE", "OPTIONS"};

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The non-empty elements of comma-separated lists (RFC 9110 §5.6.1), over all field lines.
std::vector<std::string_view> ListElements(const std::vector<std::string_view>& lines) {
  std::vector<std::string_view> out;
  for (std::string_view line : lines) {
    std::size_t pos = 0;
    while (pos <= line.size()) {
      std::size_t comma = std::min(line.find(',', pos), line.size());
      std::string_view element = TrimOws(line.substr(pos, comma - pos));
      if (!element.empty()) out.push_back(element);
      pos = comma + 1;
    }
  }
  return out;
}

Error Refused(Errc code, std::string reason, std::string detail) {
  return MakeError(code, std::move(reason), std::move(detail));
}

// Framing of the body (RFC 9112 §6.1, §6.3 item 4).
std::optional<Error> CheckTransferEncoding(const RequestHead& head) {
  if (head.transfer_encoding_values.empty()) return std::nullopt;
  if (head.version < 11) {
    return Refused(Errc::kInvalidRequest, "Transfer-Encoding in HTTP/1.0",
                   "Transfer-Encoding is not allowed in an HTTP/1.0 request.");
  }
  auto codings = ListElements(head.transfer_encoding_values);
  auto is_chunked = [](std::string_view c) { return IEquals(c, "chunked"); };
  bool chunked_last_only = !codings.empty() && is_chunked(codings.back()) &&
                           std::count_if(codings.begin(), codings.end(), is_chunked) == 1;
  // The parser's own verdict decides how the body is read: when it differs from ours the
  // framing is ambiguous, and ambiguity is what request smuggling exploits.
  if (!chunked_last_only || !head.parser_found_chunked) {
    return Refused(Errc::kInvalidRequest, "Transfer-Encoding without final chunked",
                   "The request body's length cannot be determined: Transfer-Encoding must "
                   "end with chunked.");
  }
  if (codings.size() > 1) {
    return Refused(Errc::kNotImplemented, "transfer coding other than chunked",
                   "Only the chunked transfer coding is supported.");
  }
  return std::nullopt;
}

bool IsRegNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-._~!$&'()*+,;=%").find(c) != std::string_view::npos;
}

// Host = uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2); may be empty.
bool IsValidHost(std::string_view host) {
  std::string_view name = host;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    std::string_view literal = host.substr(1, close - 1);
    bool literal_ok = std::all_of(literal.begin(), literal.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == 'v' ||
             c == 'V';
    });
    if (!literal_ok) return false;
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    if (!rest.empty()) port = rest.substr(1);
    name = {};
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    name = host.substr(0, colon);
    port = host.substr(colon + 1);
  }
  return std::all_of(name.begin(), name.end(), IsRegNameChar) &&
         std::all_of(port.begin(), port.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::optional<Error> CheckHost(const RequestHead& head) {
  std::size_t count = head.host_values.size();
  bool count_ok = head.version >= 11 ? count == 1 : count <= 1;
  if (!count_ok) {
    return Refused(Errc::kInvalidRequest, "Host missing or repeated",
                   "An HTTP/1.1 request needs exactly one Host header field.");
  }
  if (count == 1 && !IsValidHost(head.host_values.front())) {
    return Refused(Errc::kInvalidRequest, "invalid Host", "The Host header field is invalid.");
  }
  return std::nullopt;
}

bool IsAbsoluteForm(std::string_view target) {
  auto starts = [&](std::string_view scheme) {
    return target.size() > scheme.size() && IEquals(target.substr(0, scheme.size()), scheme);
  };
  return starts("http://") || starts("https://");
}

std::optional<Error> CheckTarget(const RequestHead& head) {
  std::string_view t = head.target;
  bool ok = (!t.empty() && t.front() == '/') || IsAbsoluteForm(t) ||
            (t == "*" && head.method == "OPTIONS");
  if (ok) return std::nullopt;
  return Refused(Errc::kInvalidRequest, "unusable request target",
                 "The request target must be a path, an absolute URI, or * for OPTIONS.");
}

std::optional<Error> CheckExpect(const RequestHead& head) {
  if (head.version < 11) return std::nullopt;  // RFC 9110 §10.1.1: ignored in HTTP/1.0
  for (std::string_view expectation : ListElements(head.expect_values)) {
    if (!IEquals(expectation, "100-continue")) {
      return Refused(Errc::kExpectationFailed, "unsupported expectation",
                     "Only the 100-continue expectation is supported.");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> CheckRequestHead(const RequestHead& head) {
  if (head.version / 10 != 1) {
    return Refused(Errc::kVersionNotSupported, "HTTP major version not 1",
                   "This server speaks HTTP/1.1.");
  }
  if (auto e = CheckTransferEncoding(head)) return e;
  if (auto e = CheckHost(head)) return e;
  if (auto e = CheckTarget(head)) return e;
  bool implemented = std::find(kImplementedMethods.begin(), kImplementedMethods.end(),
                               head.method) != kImplementedMethods.end();
  if (!implemented) {
    return Refused(Errc::kNotImplemented, "method not implemented",
                   "This server does not implement that method.");
  }
  return CheckExpect(head);
}

bool IsOtherHttpVersion(std::string_view line) {
  auto is_visible = [](char c) { return c > ' ' && c < 127; };
  auto first_space = line.find(' ');
  auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == 0 || last_space == first_space ||
      last_space == first_space + 1) {
    return false;
  }
  std::string_view method = line.substr(0, first_space);
  std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  std::string_view version = line.substr(last_space + 1);
  bool shape = std::all_of(method.begin(), method.end(), is_visible) &&
               std::all_of(target.begin(), target.end(), is_visible) && version.size() == 8 &&
               version.substr(0, 5) == "HTTP/" &&
               std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
               std::isdigit(static_cast<unsigned char>(version[7]));
  return shape && version != "HTTP/1.0" && version != "HTTP/1.1";
}

bool WantsContinue(const RequestHead& head) {
  if (head.version < 11) return false;
  auto expectations = ListElements(head.expect_values);
  return std::any_of(expectations.begin(), expectations.end(),
                     [](std::string_view e) { return IEquals(e, "100-continue"); });
}

std::string_view OriginFormOf(std::string_view target) {
  if (!IsAbsoluteForm(target)) return target;
  std::size_t authority = target.find("//") + 2;
  std::size_t path = target.find_first_of("/?", authority);
  if (path == std::string_view::npos) return "/";
  return target.substr(path);  // "?q" for "http://h?q": the caller reads it as "/?q"
}

}  // namespace gatehouse
