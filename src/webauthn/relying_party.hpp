#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// Who passkeys are for: the RP ID credentials are scoped to and the origins a ceremony may
// come from (webauthn.rp_id, webauthn.origins).
struct RelyingParty {
  std::string id;
  std::vector<std::string> origins;
};

// The relying party of `rp_id` and `origins` (comma-separated), each defaulting from
// `public_url`: its host, its origin. The RP ID must be a lower-case domain name (browsers
// refuse IP addresses), each origin https (http only on localhost) on the RP ID or a
// subdomain of it. When both are derived and that fails — `public_url` is an IP address or
// plain http — passkeys are off: nullopt. When either was given, std::invalid_argument.
std::optional<RelyingParty> RelyingPartyOf(std::string_view rp_id, std::string_view origins,
                                           std::string_view public_url);

}  // namespace gatehouse
