#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace gatehouse {

// Each adds one area's endpoints (docs/api.md) to the router.
void AddAuthRoutes(Router& router, Services& services);        // register, verify, login, ...
void AddPasswordRoutes(Router& router, Services& services);    // change, forgot, reset
void AddInvitationRoutes(Router& router, Services& services);  // invite, list, revoke, accept
void AddAccountRoutes(Router& router, Services& services);     // /v1/me
void AddMfaRoutes(Router& router, Services& services);         // second factors, login/mfa
void AddPasskeyRoutes(Router& router, Services& services);     // /v1/me/passkeys, sign-in
void AddSessionRoutes(Router& router, Services& services);     // /v1/me/sessions, admin's
void AddClientRoutes(Router& router, Services& services);      // /v1/clients (admin)
void AddUserRoutes(Router& router, Services& services);        // /v1/users (admin)
void AddEventRoutes(Router& router, Services& services);       // security log, /v1/events
void AddWebhookRoutes(Router& router, Services& services);     // /v1/webhooks (admin)
void AddOidcRoutes(Router& router, Services& services);        // discovery, token, UserInfo
void AddOpsRoutes(Router& router, Services& services);         // health, readiness, JWKS
// Puts the per-client-IP rate limits in front of the routes they guard (after the above).
void AddRateLimits(Router& router, Services& services);

// Every route of the API (each area above), as the server serves them.
void AddAllRoutes(Router& router, Services& services);

}  // namespace gatehouse
