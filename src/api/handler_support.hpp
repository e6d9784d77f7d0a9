#pragma once

#include <nlohmann/json_fwd.hpp>

#include "api/json_body.hpp"
#include "api/services.hpp"
#include "auth/token_service.hpp"
#include "auth/validation.hpp"
#include "http/message.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

// Unwraps a Result<T> inside a handler: returns its problem response on error, else binds
// the value to `var`. (`var` names a declaration, so it cannot be parenthesised.)
// NOLINTBEGIN(bugprone-macro-parentheses)
#define GH_TRY(var, expr)                                          \
  auto var##_result = (expr);                                      \
  if (!var##_result) return ProblemResponse(var##_result.error()); \
  auto& var = *var##_result
// NOLINTEND(bugprone-macro-parentheses)

namespace gatehouse {

// Generous ceilings for fields whose exact rules live in the services; they keep absurd
// input (megabytes of "password") away from the hasher and the database.
inline constexpr std::size_t kMaxEmailFieldBytes = kMaxEmailLength + 64;
inline constexpr std::size_t kMaxPasswordFieldBytes = 4 * kMaxPasswordLength;
inline constexpr std::size_t kMaxNameFieldBytes = 4 * kMaxNameLength;
inline constexpr std::size_t kMaxTokenFieldBytes = std::size_t{8} * 1024;
// A one-time code: 6 digits, a recovery code with its dashes, room for spaces.
inline constexpr std::size_t kMaxCodeBytes = 32;

// The caller, from the Bearer token of the Authorization header or, in cookie mode and
// without that header, from the access cookie — then a state-changing request must pass the
// CSRF check (kCsrfFailed). kInvalidToken when there is neither. The request counts as
// activity on its session.
Result<AccessContext> Authenticate(const Request& request, Services& services);
// The access token of a request: a bearer token, else (cookie mode) the access cookie, which
// also needs the CSRF header. Never blocks.
Result<std::string_view> AccessTokenOf(const Request& request, Services& services);
// Like Authenticate, and reads the caller's account with the session (TokenService::
// AuthenticateWithAccount): for handlers that need the account anyway.
Result<AuthenticatedAccount> AuthenticateWithAccount(const Request& request, Services& services);

// Like Authenticate, for administrators only: kForbidden for anyone else. Every
// admin-only route goes through here.
Result<AccessContext> AuthenticateAdmin(const Request& request, Services& services);

// Who is calling, as recorded on sessions: socket peer and a bounded, valid-UTF-8 user agent.
ClientInfo ClientOf(const Request& request);

// The token pair as docs/api.md's JSON; in cookie mode, with the session cookies.
Response TokenPairResponse(const Services& services, const TokenPair& pair, int status = 200);

// In cookie mode a state-changing request authenticated by cookie must pass the CSRF check.
Status RequireCsrf(const Request& request, const Services& services);

Response JsonResponse(int status, const nlohmann::json& body);

// The most a listing gives at once.
inline constexpr int kMaxPageSize = 200;
// A listing's `limit` query parameter: `fallback` when absent, else an integer from 1 to
// kMaxPageSize; kValidationFailed naming it otherwise.
Result<int> PageLimitOf(const Request& request, int fallback);

// A route handler that calls `fn` with the services (for handlers that need no path
// parameters).
Handler Bind(Services& services, Response (*fn)(Services&, const Request&));
// Same, for handlers of paths with parameters (e.g. /v1/invitations/{id}).
Handler Bind(Services& services, Response (*fn)(Services&, const Request&, const PathParams&));

}  // namespace gatehouse
