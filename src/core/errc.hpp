#pragma once

#include <string>

namespace gatehouse {

// Every reason a domain operation can fail. One table (api/problem.cpp) maps each to an
// HTTP status and the stable `code` of docs/api.md; the client never sees `Error::reason`.
enum class Errc {
  kInvalidRequest,        // malformed request: bad JSON, bad query, bad header
  kInvalidCredentials,    // wrong e-mail or password (never says which)
  kInvalidToken,          // token malformed, bad signature, wrong alg/kid/typ/iss/aud, expired
  kTokenRevoked,          // token well-formed but not whitelisted: logged out or revoked
  kTokenReused,           // a token already rotated away was presented: session revoked
  kMfaInvalidCode,        // wrong or expired second-factor code
  kEmailNotVerified,      // login before the e-mail address was verified
  kAccountDisabled,       // an administrator disabled the account
  kCsrfFailed,            // cookie-authenticated request without a matching CSRF token
  kForbidden,             // authenticated but not allowed (e.g. not an admin)
  kNotFound,              // no such resource (or not the caller's)
  kMethodNotAllowed,      // path exists, method does not
  kConflict,              // the resource already exists or changed underneath
  kExpectationFailed,     // an Expect the server cannot meet (anything but 100-continue)
  kPayloadTooLarge,       // body over the configured limit
  kHeadersTooLarge,       // request head over the configured limit, or too many fields
  kUriTooLong,            // request target over the limit
  kUnsupportedMediaType,  // a body that is not application/json
  kValidationFailed,      // a field is missing, of the wrong type, or out of range
  kWeakPassword,          // password rejected by the password policy
  kRateLimited,           // too many requests; retry later
  kNotImplemented,        // a method or transfer coding the server does not implement
  kVersionNotSupported,   // an HTTP major version other than 1
  // OAuth 2.0 (RFC 6749 §5.2), answered by the OpenID Connect endpoints in their own shape.
  kInvalidClient,         // client authentication failed
  kInvalidGrant,          // a code or refresh token that is invalid, used, expired or another's
  kInvalidScope,          // a scope the client may not have
  kUnauthorizedClient,    // the client may not use this grant type
  kUnsupportedGrantType,  // a grant type Gatehouse does not implement
  kUnavailable,           // a dependency is down or overloaded; retry later
  kInternal,              // a bug: logged in full, answered generically
};

// A failed operation: what went wrong for the client (`code`) and, for the log only, why.
struct Error {
  Errc code;
  std::string reason;           // never sent to the client: may name internals
  std::string detail;           // safe, client-facing explanation (e.g. which field is invalid)
  int retry_after_seconds = 0;  // for kRateLimited / kUnavailable
};

}  // namespace gatehouse
