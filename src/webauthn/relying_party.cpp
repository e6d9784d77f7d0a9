#include "webauthn/relying_party.hpp"

#include <arpa/inet.h>

#include <stdexcept>

#include "core/comma_list.hpp"

namespace gatehouse {
namespace {

struct Origin {
  std::string scheme;
  std::string host;  // without brackets or port
};

std::optional<Origin> ParseOrigin(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  Origin origin{std::string(url.substr(0, scheme_end)), ""};
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    origin.host = std::string(rest.substr(1, close - 1));
  } else {
    origin.host = std::string(rest.substr(0, rest.find(':')));
  }
  if (origin.host.empty()) return std::nullopt;
  return origin;
}

bool IsIpAddress(const std::string& host) {
  unsigned char bytes[16];
  return inet_pton(AF_INET, host.c_str(), bytes) == 1 ||
         inet_pton(AF_INET6, host.c_str(), bytes) == 1;
}

// Lower-case labels of letters, digits and hyphens (RFC 1035's preferred syntax).
bool IsDomainName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0 || label > 63 || name[i - 1] == '-') return false;
      label = 0;
      continue;
    }
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && label > 0);
    if (!ok) return false;
    ++label;
  }
  return true;
}

// §5.1.3's rule: the RP ID must be the origin's host or a registrable suffix of it.
bool IsOnRpId(const std::string& host, const std::string& rp_id) {
  if (host == rp_id) return true;
  return host.size() > rp_id.size() && host.ends_with(rp_id) &&
         host[host.size() - rp_id.size() - 1] == '.';
}

// The first problem with `rp`, or empty.
std::string ProblemWith(const RelyingParty& rp) {
  if (IsIpAddress(rp.id) || !IsDomainName(rp.id)) {
    return "'" + rp.id + "' is not a lower-case domain name";
  }
  for (const std::string& text : rp.origins) {
    auto origin = ParseOrigin(text);
    if (!origin || text.find('/', text.find("://") + 3) != std::string::npos) {
      return "'" + text + "' is not an origin (scheme://host[:port])";
    }
    bool secure =
        origin->scheme == "https" || (origin->scheme == "http" && origin->host == "localhost");
    if (!secure) return "'" + text + "': passkeys need https (http only on localhost)";
    if (!IsOnRpId(origin->host, rp.id)) return "'" + text + "' is not on the RP ID " + rp.id;
  }
  return {};
}

}  // namespace

std::optional<RelyingParty> RelyingPartyOf(std::string_view rp_id, std::string_view origins,
                                           std::string_view public_url) {
  auto own = ParseOrigin(public_url);
  RelyingParty rp;
  rp.id = rp_id.empty() && own ? own->host : std::string(rp_id);
  if (origins.empty()) {
    auto scheme_end = public_url.find("://");
    auto path = scheme_end == std::string_view::npos ? 0 : public_url.find('/', scheme_end + 3);
    rp.origins.emplace_back(public_url.substr(0, path));
  } else {
    rp.origins = SplitCommas(origins);
  }
  std::string problem = ProblemWith(rp);
  if (problem.empty()) return rp;
  // Derived from public_url alone, an unusable relying party (an IP address, plain http)
  // turns passkeys off; one the operator wrote is a mistake to report.
  if (rp_id.empty() && origins.empty()) return std::nullopt;
  throw std::invalid_argument(problem);
}

}  // namespace gatehouse
