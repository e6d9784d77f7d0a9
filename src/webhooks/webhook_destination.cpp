#include "webhooks/webhook_destination.hpp"

#include "http/outbound_client.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxUrlLength = 2000;

// IANA's special-purpose registries (RFC 6890 and later), IPv4 and IPv6, and NAT64's prefix,
// which reaches IPv4 addresses, private ones included.
constexpr std::string_view kNotPublic =
    "0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, "
    "192.0.0.0/24, 192.0.2.0/24, 192.88.99.0/24, 192.168.0.0/16, 198.18.0.0/15, "
    "198.51.100.0/24, 203.0.113.0/24, 224.0.0.0/4, 240.0.0.0/4, "
    "::/128, ::1/128, 64:ff9b::/96, 64:ff9b:1::/48, 100::/64, 2001::/23, 2001:db8::/32, "
    "2002::/16, fc00::/7, fe80::/10, ff00::/8";

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  auto ip = ParseIp(host);
  if (!ip) return false;
  std::string text = FormatIp(*ip);
  return text == "::1" || text.starts_with("127.");
}

Error BadUrl(std::string detail) {
  return MakeError(Errc::kValidationFailed, "bad webhook url", std::move(detail));
}

}  // namespace

WebhookDestinations::WebhookDestinations(std::string_view allowed_networks)
    : special_(kNotPublic), allowed_(allowed_networks) {}

Status WebhookDestinations::CheckUrl(const std::string& url) const {
  if (url.size() > kMaxUrlLength) return BadUrl("'url' is longer than 2,000 characters.");
  auto parsed = ParseHttpUrl(url);
  if (!parsed) return BadUrl("'url' must be an absolute http(s) URL without user info.");
  if (!parsed->tls && !IsLoopbackHost(parsed->host)) {
    return BadUrl("'url' must use https (http only for a loopback host).");
  }
  // A name is checked when it is resolved, at each delivery (DNS may change in between).
  if (ParseIp(parsed->host) && !AllowsAddress(parsed->host)) {
    return BadUrl(
        "'url' points at an address that is not public; allow its network in "
        "webhooks.allowed_networks to use it.");
  }
  return Ok{};
}

bool WebhookDestinations::AllowsAddress(std::string_view ip) const {
  auto bytes = ParseIp(ip);
  if (!bytes) return false;
  return !special_.Contains(*bytes) || allowed_.Contains(*bytes);
}

}  // namespace gatehouse
