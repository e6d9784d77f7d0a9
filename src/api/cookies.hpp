#pragma once

#include <string>
#include <string_view>

#include "auth/token_service.hpp"
#include "core/result.hpp"
#include "http/cors.hpp"
#include "http/message.hpp"

namespace gatehouse {

// Cookie mode for browsers (docs/api.md "Cookie mode"). The `__Host-` prefix makes browsers
// insist on Secure, no Domain and Path=/ — so no subdomain can plant or overwrite these
// cookies, which is what makes a plain double-submit CSRF token sound.
inline constexpr std::string_view kAccessCookie = "__Host-gh_at";
inline constexpr std::string_view kRefreshCookie = "__Host-gh_rt";
inline constexpr std::string_view kCsrfCookie = "__Host-gh_csrf";  // readable by the page
// The hosted sign-in page's pending second step: the challenge token, HttpOnly.
inline constexpr std::string_view kMfaChallengeCookie = "__Host-gh_mfa";

// Sets the three cookies for a new token pair, with a fresh CSRF token that the X-CSRF-Token
// response header repeats.
void SetSessionCookies(Response& response, const TokenPair& pair);
// Expires them (logout).
void ClearSessionCookies(Response& response);

// Sets a CSRF cookie for the browser's session (the hosted pages' forms, before a sign-in)
// and returns its token.
std::string IssueCsrfCookie(Response& response);

// Sets (max_age > 0) or expires (0) an HttpOnly cookie `name` holding `value`.
void SetPrivateCookie(Response& response, std::string_view name, std::string_view value,
                      std::int64_t max_age);

// The value of cookie `name` in the request's Cookie header(s), or empty.
std::string_view CookieValue(const Request& request, std::string_view name);

// True for methods that change state (everything but GET, HEAD, OPTIONS).
bool IsStateChanging(std::string_view method);

// The checks a state-changing request authenticated by cookie must pass: an X-CSRF-Token
// header equal to the CSRF cookie (compared in constant time), and an Origin, when sent,
// that is `public_origin` or one CORS allows. kCsrfFailed otherwise.
Status CheckCsrf(const Request& request, const Cors& cors, std::string_view public_origin);

// The check a hosted page's form post must pass: its `csrf` field equal to the CSRF cookie
// (constant time), and Origin, when sent, exactly `public_origin`. kCsrfFailed otherwise.
Status CheckFormCsrf(const Request& request, std::string_view form_token,
                     std::string_view public_origin);

// "scheme://host[:port]" of a URL: how a browser names the site in Origin.
std::string OriginOf(std::string_view url);

}  // namespace gatehouse
