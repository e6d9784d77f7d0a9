#include <string>

#include "api/routes.hpp"
#include "config/config.hpp"
#include "http/problem.hpp"
#include "protect/rate_limiter.hpp"

namespace gatehouse {
namespace {

// Which routes are limited per client IP, and by which policy (README has the same table).
struct LimitedRoute {
  const char* method;
  const char* pattern;
  const char* policy;
  RatePolicy RateLimitConfig::*limit;
};

constexpr LimitedRoute kLimitedRoutes[] = {
    {"POST", "/v1/auth/login", "login", &RateLimitConfig::login},
    {"POST", "/v1/auth/login/mfa", "mfa", &RateLimitConfig::mfa},
    {"POST", "/v1/auth/login/mfa/send", "mfa", &RateLimitConfig::mfa},
    {"POST", "/v1/auth/login/mfa/options", "mfa", &RateLimitConfig::mfa},
    {"POST", "/v1/auth/passkey/options", "login", &RateLimitConfig::login},
    {"POST", "/v1/auth/passkey", "login", &RateLimitConfig::login},
    {"POST", "/v1/me/mfa/totp/confirm", "mfa", &RateLimitConfig::mfa},
    {"POST", "/v1/me/mfa/email/confirm", "mfa", &RateLimitConfig::mfa},
    {"POST", "/v1/me/mfa/sms/confirm", "mfa", &RateLimitConfig::mfa},
    {"POST", "/v1/auth/register", "registration", &RateLimitConfig::registration},
    {"POST", "/v1/invitations/accept", "registration", &RateLimitConfig::registration},
    {"POST", "/v1/auth/verify-email", "verify_email", &RateLimitConfig::verify_email},
    {"POST", "/v1/auth/verify-email/resend", "verify_email", &RateLimitConfig::verify_email},
    {"POST", "/v1/auth/forgot-password", "password_reset", &RateLimitConfig::password_reset},
    {"POST", "/v1/auth/reset-password", "password_reset", &RateLimitConfig::password_reset},
    {"POST", "/v1/auth/refresh", "refresh", &RateLimitConfig::refresh},
};

// The RateLimit header fields of draft-ietf-httpapi-ratelimit-headers (the widely deployed
// RateLimit-Limit / -Remaining / -Reset form), and Retry-After when refused.
void AddRateLimitHeaders(Response& response, const RateDecision& d) {
  response.SetHeader("RateLimit-Limit", std::to_string(d.policy.limit));
  response.SetHeader("RateLimit-Remaining", std::to_string(d.remaining));
  response.SetHeader("RateLimit-Reset", std::to_string(d.reset_seconds));
  response.SetHeader("RateLimit-Policy", std::to_string(d.policy.limit) +
                                             ";w=" + std::to_string(d.policy.period_ms / 1000));
}

}  // namespace

void AddRateLimits(Router& router, Services& s) {
  for (const LimitedRoute& route : kLimitedRoutes) {
    const RatePolicy& policy = s.config.rate_limits.*route.limit;
    if (!policy.enabled()) continue;
    std::string name = route.policy;
    router.Wrap(route.method, route.pattern, [&s, &policy, name](Handler inner) -> Handler {
      return [&s, &policy, name, inner = std::move(inner)](const Request& request,
                                                           const PathParams& params) {
        RateDecision decision = s.limiter.Check(name, policy, request.client_ip);
        if (!decision.allowed) {
          Error limited = MakeError(Errc::kRateLimited, name + " limit for " + request.client_ip,
                                    "Too many requests from this address; slow down.");
          limited.retry_after_seconds = static_cast<int>(decision.retry_after_seconds);
          Response response = ProblemResponse(limited);
          AddRateLimitHeaders(response, decision);
          return response;
        }
        Response response = inner(request, params);
        AddRateLimitHeaders(response, decision);
        return response;
      };
    });
  }
}

}  // namespace gatehouse
