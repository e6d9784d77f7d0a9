#pragma once

#include <nlohmann/json_fwd.hpp>

#include "api/json_body.hpp"
#include "auth/token_service.hpp"
#include "http/message.hpp"
#include "http/problem.hpp"

// Unwraps a Result<T> inside a handler: returns its problem response on error, else binds
// the value to `var`. (`var` names a declaration, so it cannot be parenthesised.)
// NOLINTBEGIN(bugprone-macro-parentheses)
#define GH_TRY(var, expr)                                          \
  auto var##_result = (expr);                                      \
  if (!var##_result) return ProblemResponse(var##_result.error()); \
  auto& var = *var##_result
// NOLINTEND(bugprone-macro-parentheses)

namespace gatehouse {

// The Bearer token of the Authorization header, authenticated. kInvalidToken when absent.
Result<AccessContext> AuthenticateBearer(const Request& request, TokenService& tokens);

// Who is calling, as recorded on sessions: socket peer and a bounded, valid-UTF-8 user agent.
ClientInfo ClientOf(const Request& request);

// The token pair as API.md's JSON.
Response TokenPairResponse(const TokenPair& pair);

Response JsonResponse(int status, const nlohmann::json& body);

}  // namespace gatehouse
