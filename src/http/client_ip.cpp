#include "http/client_ip.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

namespace gatehouse {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits on `separator` from the right: the items of a forwarding header, last hop first.
std::vector<std::string_view> ItemsRightToLeft(std::string_view list, char separator) {
  std::vector<std::string_view> items;
  while (true) {
    auto at = list.rfind(separator);
    items.push_back(Trim(at == std::string_view::npos ? list : list.substr(at + 1)));
    if (at == std::string_view::npos) break;
    list = list.substr(0, at);
  }
  return items;
}

// The for= value of one Forwarded element ("for=1.2.3.4;proto=https").
std::string_view ForwardedFor(std::string_view element) {
  for (std::string_view pair : ItemsRightToLeft(element, ';')) {
    if (pair.size() > 4 && (pair.substr(0, 4) == "for=" || pair.substr(0, 4) == "For=" ||
                            pair.substr(0, 4) == "FOR=")) {
      return pair.substr(4);
    }
  }
  return {};
}

std::optional<IpBytes> ParseBare(const std::string& text) {
  IpBytes ip{};
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    ip[10] = ip[11] = 0xff;
    std::memcpy(ip.data() + 12, &v4, 4);
    return ip;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(ip.data(), &v6, 16);
    return ip;
  }
  return std::nullopt;
}

bool IsMappedIpv4(const IpBytes& ip) {
  for (int i = 0; i < 10; ++i) {
    if (ip[i] != 0) return false;
  }
  return ip[10] == 0xff && ip[11] == 0xff;
}

}  // namespace

std::optional<IpBytes> ParseIp(std::string_view text) {
  text = Trim(text);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (text.front() == '[') {  // [v6] or [v6]:port
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return ParseBare(std::string(text.substr(1, close - 1)));
  }
  // v4:port has exactly one colon; a v6 address has several.
  if (auto colon = text.find(':');
      colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    text = text.substr(0, colon);
  }
  return ParseBare(std::string(text));
}

std::string FormatIp(const IpBytes& ip) {
  char out[INET6_ADDRSTRLEN] = {};
  if (IsMappedIpv4(ip)) {
    inet_ntop(AF_INET, ip.data() + 12, out, sizeof out);
  } else {
    inet_ntop(AF_INET6, ip.data(), out, sizeof out);
  }
  return out;
}

TrustedProxies::TrustedProxies(std::string_view cidrs) {
  if (Trim(cidrs).empty()) return;
  for (std::string_view item : ItemsRightToLeft(cidrs, ',')) {
    std::string_view address = item;
    int bits = -1;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      address = item.substr(0, slash);
      std::string length(item.substr(slash + 1));
      if (length.empty() || length.size() > 3 ||
          length.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("bad CIDR '" + std::string(item) + "'");
      }
      bits = std::stoi(length);
    }
    auto ip = ParseBare(std::string(address));
    if (!ip) throw std::invalid_argument("bad CIDR '" + std::string(item) + "'");
    int max_bits = IsMappedIpv4(*ip) ? 32 : 128;
    if (bits < 0) bits = max_bits;
    if (bits > max_bits) throw std::invalid_argument("bad CIDR '" + std::string(item) + "'");
    blocks_.push_back({*ip, bits + (128 - max_bits)});
  }
}

bool TrustedProxies::Contains(const IpBytes& ip) const {
  for (const Block& block : blocks_) {
    int bits = block.prefix_bits;
    bool match = true;
    for (int i = 0; i < 16 && bits > 0 && match; ++i, bits -= 8) {
      unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
      match = (ip[i] & mask) == (block.network[i] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string ClientIp(std::string_view peer, std::string_view x_forwarded_for,
                     std::string_view forwarded, const TrustedProxies& trusted) {
  auto peer_ip = ParseIp(peer);
  if (!peer_ip) return std::string(peer);
  std::string canonical_peer = FormatIp(*peer_ip);
  if (trusted.empty() || !trusted.Contains(*peer_ip)) return canonical_peer;

  std::vector<std::optional<IpBytes>> hops;  // right to left
  if (!x_forwarded_for.empty()) {
    for (std::string_view item : ItemsRightToLeft(x_forwarded_for, ','))
      hops.push_back(ParseIp(item));
  } else if (!forwarded.empty()) {
    for (std::string_view element : ItemsRightToLeft(forwarded, ',')) {
      hops.push_back(ParseIp(ForwardedFor(element)));
    }
  }
  for (const auto& hop : hops) {
    if (!hop) return canonical_peer;  // a hop we cannot read: believe nothing beyond it
    if (!trusted.Contains(*hop)) return FormatIp(*hop);
  }
  // Every hop is one of our proxies: the left-most is the closest we know to the client.
  return hops.empty() ? canonical_peer : FormatIp(*hops.back());
}

}  // namespace gatehouse
