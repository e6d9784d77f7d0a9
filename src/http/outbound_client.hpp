#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace gatehouse {

struct OutboundRequest {
  std::string method = "POST";
  std::string url;  // http:// or https://, no user info
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string ca_file;  // PEM bundle to trust instead of the system's (https only)
  std::chrono::milliseconds timeout{10'000};  // for the whole exchange
  // When set, the only addresses (as text: "10.0.0.1", "2001:db8::1") the connection may
  // go to: checked on what the host resolves to, at connection time, so that a name that
  // resolves elsewhere later (DNS rebinding) cannot slip past a check made before.
  std::function<bool(const std::string& ip)> allow_address;
};

struct OutboundResponse {
  int status = 0;
  std::string body;  // at most kOutboundBodyLimit bytes; the rest is dropped
};

inline constexpr std::size_t kOutboundBodyLimit = 64 * 1024;

// Sends one HTTP/1.1 request on a new connection and reads the answer, blocking the calling
// thread for at most request.timeout. https verifies the certificate against request.ca_file
// or the system's trust store and requires it to name the URL's host. Any status is a
// response; an error is only for a bad URL, a failed connection or handshake, a malformed
// answer, or the deadline; kForbidden when request.allow_address refuses every address of the
// host. For senders off the request path (SMS, back-channel logout, webhooks).
Result<OutboundResponse> SendOutbound(const OutboundRequest& request);

struct ParsedUrl {
  bool tls = false;
  std::string host;  // without IPv6 brackets
  std::string port;
  std::string target;  // path and query, "/" when empty
};

// An absolute http(s) URL split into its parts; an error for another scheme, user info, an
// empty host or a port that is not 1-65535.
Result<ParsedUrl> ParseHttpUrl(const std::string& url);

}  // namespace gatehouse
