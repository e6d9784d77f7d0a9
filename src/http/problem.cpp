#include "http/problem.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace gatehouse {

ProblemKind ProblemFor(Errc code) {
  switch (code) {
    case Errc::kInvalidRequest: return {400, "invalid_request", "Bad request"};
    case Errc::kInvalidCredentials: return {401, "invalid_credentials", "Invalid credentials"};
    case Errc::kInvalidToken: return {401, "invalid_token", "Invalid token"};
    case Errc::kTokenRevoked: return {401, "token_revoked", "Token revoked"};
    case Errc::kTokenReused: return {401, "token_reused", "Token reused"};
    case Errc::kMfaInvalidCode: return {401, "mfa_invalid_code", "Invalid code"};
    case Errc::kEmailNotVerified: return {403, "email_not_verified", "E-mail not verified"};
    case Errc::kAccountDisabled: return {403, "account_disabled", "Account disabled"};
    case Errc::kCsrfFailed: return {403, "csrf_failed", "CSRF check failed"};
    case Errc::kForbidden: return {403, "forbidden", "Forbidden"};
    case Errc::kNotFound: return {404, "not_found", "Not found"};
    case Errc::kMethodNotAllowed: return {405, "method_not_allowed", "Method not allowed"};
    case Errc::kConflict: return {409, "conflict", "Conflict"};
    case Errc::kExpectationFailed: return {417, "expectation_failed", "Expectation failed"};
    case Errc::kPayloadTooLarge: return {413, "payload_too_large", "Payload too large"};
    case Errc::kHeadersTooLarge:
      return {431, "headers_too_large", "Request header fields too large"};
    case Errc::kUriTooLong: return {414, "uri_too_long", "URI too long"};
    case Errc::kUnsupportedMediaType:
      return {415, "unsupported_media_type", "Unsupported media type"};
    case Errc::kValidationFailed: return {422, "validation_failed", "Validation failed"};
    case Errc::kWeakPassword: return {422, "weak_password", "Weak password"};
    case Errc::kRateLimited: return {429, "rate_limited", "Too many requests"};
    case Errc::kNotImplemented: return {501, "not_implemented", "Not implemented"};
    case Errc::kVersionNotSupported:
      return {505, "http_version_not_supported", "HTTP version not supported"};
    case Errc::kInvalidClient: return {401, "invalid_client", "Client authentication failed"};
    case Errc::kInvalidGrant: return {400, "invalid_grant", "Invalid grant"};
    case Errc::kInvalidScope: return {400, "invalid_scope", "Invalid scope"};
    case Errc::kUnauthorizedClient: return {400, "unauthorized_client", "Unauthorized client"};
    case Errc::kUnsupportedGrantType:
      return {400, "unsupported_grant_type", "Unsupported grant type"};
    case Errc::kUnavailable: return {503, "unavailable", "Service unavailable"};
    case Errc::kInternal: return {500, "internal", "Internal error"};
  }
  return {500, "internal", "Internal error"};
}

void LogProblem(const Error& error) {
  ProblemKind kind = ProblemFor(error.code);
  if (kind.status >= 500) {
    spdlog::error("{} answered: {}", kind.code, error.reason);
  } else if (!error.reason.empty()) {
    spdlog::debug("{} answered: {}", kind.code, error.reason);
  }
}

Response ProblemResponse(const Error& error) {
  ProblemKind kind = ProblemFor(error.code);
  LogProblem(error);
  nlohmann::json body = {
      {"type", "about:blank"}, {"title", kind.title}, {"status", kind.status}, {"code", kind.code}};
  if (!error.detail.empty()) body["detail"] = error.detail;
  Response r;
  r.status = kind.status;
  r.headers.emplace_back("Content-Type", "application/problem+json");
  // Tokens are involved in every 401: WWW-Authenticate tells clients which scheme to use.
  if (kind.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (error.retry_after_seconds > 0) {
    r.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  }
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace gatehouse
