#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace gatehouse {

// What the checks below need of a parsed request head, independent of Beast.
struct RequestHead {
  unsigned version = 11;  // 10 * major + minor, as Beast counts
  std::string_view method;
  std::string_view target;
  std::vector<std::string_view> host_values;               // every Host field line
  std::vector<std::string_view> transfer_encoding_values;  // every Transfer-Encoding line
  bool parser_found_chunked = false;  // the parser will read the body as chunked
  std::vector<std::string_view> expect_values;
};

// The RFC 9112 / RFC 9110 rules a server must enforce on a request head before it reads a
// body. An error means: answer it and close the connection, because the end of this request
// (and so the start of the next one) cannot be trusted. Checked, in order:
// - HTTP major version 1, else kVersionNotSupported (505);
// - framing (RFC 9112 §6.1, §6.3): Transfer-Encoding only in HTTP/1.1, with `chunked` once
//   and last, and only when the parser reads the body as chunked — anything else is
//   kInvalidRequest (400), since reading it otherwise smuggles its body as a next request;
//   another coding before `chunked` is kNotImplemented (501). Content-Length beside it the
//   parser already refuses;
// - exactly one valid Host in HTTP/1.1, at most one in HTTP/1.0 (RFC 9112 §3.2), else 400;
// - the request target's form (§3.2): origin-form, absolute-form, or `*` for OPTIONS; 400;
// - a method this server implements (RFC 9110 §9.1), else kNotImplemented (501);
// - Expect (RFC 9110 §10.1.1): only `100-continue`, else kExpectationFailed (417); ignored in
//   HTTP/1.0.
std::optional<Error> CheckRequestHead(const RequestHead& head);

// True when `request_line` is well formed (method SP target SP HTTP/d.d, RFC 9112 §3) with a
// version other than 1.0 and 1.1: a 505, where any other malformed line is a 400.
bool IsOtherHttpVersion(std::string_view request_line);

// True when the client asked for `100 Continue` before sending its body (HTTP/1.1 only).
bool WantsContinue(const RequestHead& head);

// The path of an origin-form (`/a/b?q`) or absolute-form (`http://host/a/b?q`) target, with
// its query (`?q` alone when an absolute-form target has no path: read it as `/?q`); `*`
// stays `*`. For a target that CheckRequestHead accepted.
std::string_view OriginFormOf(std::string_view target);

}  // namespace gatehouse
