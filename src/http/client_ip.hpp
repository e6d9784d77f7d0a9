#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// An IPv4 or IPv6 address as 16 bytes (IPv4 as ::ffff:a.b.c.d).
using IpBytes = std::array<unsigned char, 16>;

// Parses an address as found in headers: "1.2.3.4", "2001:db8::1", "[2001:db8::1]:443",
// "1.2.3.4:5678", optionally in double quotes (RFC 7239). nullopt for anything else
// ("unknown", obfuscated identifiers, garbage).
std::optional<IpBytes> ParseIp(std::string_view text);
// The canonical text form: dotted quad for IPv4 (also IPv4-mapped IPv6), RFC 5952 for IPv6.
std::string FormatIp(const IpBytes& ip);

// The proxies whose forwarding headers are believed: a list of CIDR blocks.
class TrustedProxies {
 public:
  // `cidrs`: comma-separated, e.g. "10.0.0.0/8, 127.0.0.1/32, fd00::/8" (a bare address
  // means just that address). Throws std::invalid_argument naming the bad entry.
  explicit TrustedProxies(std::string_view cidrs = "");
  bool Contains(const IpBytes& ip) const;
  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    IpBytes network;
    int prefix_bits;  // of the 128
  };
  std::vector<Block> blocks_;
};

// The client's address. The socket peer, unless the peer is a trusted proxy: then the
// right-most address of X-Forwarded-For (or, without it, of Forwarded's for=) that is not a
// trusted proxy itself — the first hop a trusted proxy saw. Addresses left of that one could
// be written by the client and are never used. Falls back to the peer when the header is
// missing or unparseable.
std::string ClientIp(std::string_view peer, std::string_view x_forwarded_for,
                     std::string_view forwarded, const TrustedProxies& trusted);

}  // namespace gatehouse
