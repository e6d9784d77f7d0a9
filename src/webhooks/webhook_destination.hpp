#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/client_ip.hpp"

namespace gatehouse {

// Where webhooks may be sent (against SSRF: a URL that makes Gatehouse reach its own network).
class WebhookDestinations {
 public:
  // `allowed_networks`: CIDR blocks (webhooks.allowed_networks) that may be reached although
  // they are loopback, private, link-local or otherwise not public. Throws
  // std::invalid_argument naming a bad entry.
  explicit WebhookDestinations(std::string_view allowed_networks);

  // A URL an endpoint may be registered with: absolute, https (http only for a loopback host:
  // "localhost", 127.0.0.0/8, ::1), no user info, at most 2,000 characters, and — when its
  // host is an address — an allowed one (a name is judged by what it resolves to, at each
  // delivery). kValidationFailed naming 'url' otherwise.
  Status CheckUrl(const std::string& url) const;

  // Whether a delivery may connect to `ip` (what the URL's host resolved to): any public
  // address, and others only inside the allowed networks.
  bool AllowsAddress(std::string_view ip) const;

 private:
  TrustedProxies special_;  // not public: loopback, private, link-local, reserved, multicast
  TrustedProxies allowed_;
};

}  // namespace gatehouse
