#pragma once

#include "core/errc.hpp"
#include "http/message.hpp"

namespace gatehouse {

struct ProblemKind {
  int status;
  const char* code;   // docs/api.md's stable machine-readable code
  const char* title;  // generic, safe human text
};

// The one table from domain error to HTTP status and code.
ProblemKind ProblemFor(Errc code);

// Logs `error.reason`: as an error for a 5xx kind, at debug level otherwise.
void LogProblem(const Error& error);

// An RFC 9457 application/problem+json response for `error`. `error.reason` is logged, never
// sent; `error.detail` is sent when set.
Response ProblemResponse(const Error& error);

}  // namespace gatehouse
