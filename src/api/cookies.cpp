#include "api/cookies.hpp"

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

// max_age < 0: a session cookie, gone when the browser closes.
std::string Cookie(std::string_view name, std::string_view value, std::int64_t max_age,
                   bool http_only) {
  std::string cookie = std::string(name) + "=" + std::string(value) + "; Path=/";
  if (max_age >= 0) cookie += "; Max-Age=" + std::to_string(max_age);
  cookie += "; Secure; SameSite=Strict";
  if (http_only) cookie += "; HttpOnly";
  return cookie;
}

Error CsrfFailed(std::string reason) {
  return MakeError(Errc::kCsrfFailed, std::move(reason),
                   "A cookie-authenticated request needs the X-CSRF-Token header (the value of "
                   "the __Host-gh_csrf cookie) and an allowed Origin.");
}

}  // namespace

void SetSessionCookies(Response& response, const TokenPair& pair) {
  response.AddHeader("Set-Cookie", Cookie(kAccessCookie, pair.access_token, pair.expires_in, true));
  response.AddHeader("Set-Cookie",
                     Cookie(kRefreshCookie, pair.refresh_token, pair.refresh_expires_in, true));
  std::string csrf = RandomToken();
  response.AddHeader("Set-Cookie", Cookie(kCsrfCookie, csrf, pair.refresh_expires_in, false));
  // Also as a header: a page on another host (app.example.com calling auth.example.com)
  // cannot read the API's cookies, but can read this (CORS exposes it).
  response.SetHeader("X-CSRF-Token", csrf);
}

void ClearSessionCookies(Response& response) {
  for (auto name : {kAccessCookie, kRefreshCookie}) {
    response.AddHeader("Set-Cookie", Cookie(name, "", 0, true));
  }
  response.AddHeader("Set-Cookie", Cookie(kCsrfCookie, "", 0, false));
}

std::string IssueCsrfCookie(Response& response) {
  std::string csrf = RandomToken();
  response.AddHeader("Set-Cookie", Cookie(kCsrfCookie, csrf, -1, false));
  return csrf;
}

void SetPrivateCookie(Response& response, std::string_view name, std::string_view value,
                      std::int64_t max_age) {
  response.AddHeader("Set-Cookie", Cookie(name, value, max_age, true));
}

std::string_view CookieValue(const Request& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semicolon = rest.find(';');
      std::string_view pair = rest.substr(0, semicolon);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
      if (semicolon == std::string_view::npos) break;
      rest.remove_prefix(semicolon + 1);
    }
  }
  return {};
}

bool IsStateChanging(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Status CheckCsrf(const Request& request, const Cors& cors, std::string_view public_origin) {
  std::string_view expected = CookieValue(request, kCsrfCookie);
  std::string_view sent = request.Header("x-csrf-token");
  if (expected.empty() || sent.empty() || !ConstantTimeEquals(expected, sent)) {
    return CsrfFailed("csrf token missing or wrong");
  }
  std::string_view origin = request.Header("origin");
  if (!origin.empty() && origin != public_origin && !cors.Allows(origin)) {
    return CsrfFailed("origin not allowed: " + std::string(origin));
  }
  return Ok{};
}

Status CheckFormCsrf(const Request& request, std::string_view form_token,
                     std::string_view public_origin) {
  std::string_view expected = CookieValue(request, kCsrfCookie);
  if (expected.empty() || form_token.empty() || !ConstantTimeEquals(expected, form_token)) {
    return MakeError(Errc::kCsrfFailed, "form csrf token missing or wrong");
  }
  std::string_view origin = request.Header("origin");
  if (!origin.empty() && origin != public_origin) {
    return MakeError(Errc::kCsrfFailed, "form posted from " + std::string(origin));
  }
  return Ok{};
}

std::string OriginOf(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  auto path = url.find('/', scheme_end + 3);
  return std::string(url.substr(0, path));
}

}  // namespace gatehouse
