#pragma once

#include <optional>

#include "api/services.hpp"
#include "http/message.hpp"

namespace gatehouse {

// For GET /v1/auth/check refusing a browser: where the proxy should send it to sign in and
// come back. Only when the hosted pages are on, the request accepts text/html, it came from a
// trusted proxy (server.trusted_proxies), and the original URL it names is an allowed return
// URL (ui/return_to.hpp). The original URL comes from X-Original-URL (nginx auth_request) or
// X-Forwarded-Proto, -Host and -Uri (Traefik ForwardAuth, Caddy forward_auth).
//
// nginx passes only 2xx, 401 and 403 from auth_request, so its answer stays 401 with the
// Location for `error_page 401` to follow; forward-auth proxies hand a 302 to the browser as
// it is. nullopt: answer the usual 401.
std::optional<Response> SignInRedirect(const Services& services, const Request& request,
                                       const Response& refusal);

}  // namespace gatehouse
