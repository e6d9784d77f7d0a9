#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse {

// The URIs a client registers (redirect, post-logout redirect, back-channel logout) and how a
// presented one is matched against them.

// kValidationFailed naming `field` unless `uri` may be registered: at most 2000 plain ASCII
// characters, no fragment (RFC 6749 §3.1.2) and no user info, and either https with a host,
// http to a loopback host (127.0.0.1, [::1], localhost; RFC 8252 §7.3), or — where
// `allow_private_scheme` — a native app's private-use scheme, a reverse domain name such as
// com.example.app:/callback (RFC 8252 §7.1).
Status ValidateRegisteredUri(std::string_view uri, std::string_view field,
                             bool allow_private_scheme);

// Whether `presented` is `registered`: byte for byte (no prefix, wildcard, case folding or
// normalisation), except that for a registered http://127.0.0.1 or http://[::1] URI any port
// matches (RFC 8252 §7.3: a native app listens on a port it gets at run time).
bool RedirectUriMatches(std::string_view registered, std::string_view presented);

}  // namespace gatehouse
