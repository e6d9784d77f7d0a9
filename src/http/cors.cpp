#include "http/cors.hpp"

#include <algorithm>
#include <stdexcept>

namespace gatehouse {
namespace {

constexpr const char* kAllowMethods = "GET, POST, DELETE";
constexpr const char* kAllowHeaders = "Authorization, Content-Type, X-CSRF-Token, X-Request-Id";
// What a page may read from a response besides the CORS-safelisted headers.
constexpr const char* kExposeHeaders =
    "Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, "
    "X-Request-Id, X-CSRF-Token";

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "http(s)://host[:port]" and nothing else: what a browser sends as Origin.
bool IsOrigin(std::string_view origin) {
  std::string_view rest;
  if (origin.rfind("https://", 0) == 0) {
    rest = origin.substr(8);
  } else if (origin.rfind("http://", 0) == 0) {
    rest = origin.substr(7);
  } else {
    return false;
  }
  if (rest.empty()) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

Cors::Cors(std::string_view origins, bool allow_credentials, int max_age_seconds)
    : allow_credentials_(allow_credentials), max_age_(std::to_string(max_age_seconds)) {
  while (!origins.empty()) {
    auto comma = origins.find(',');
    std::string_view entry = Trim(origins.substr(0, comma));
    if (!entry.empty()) {
      if (!IsOrigin(entry)) {
        throw std::invalid_argument("'" + std::string(entry) +
                                    "' is not an origin such as https://app.example.com (no "
                                    "wildcard, no path)");
      }
      origins_.push_back(Lower(entry));
    }
    if (comma == std::string_view::npos) break;
    origins.remove_prefix(comma + 1);
  }
}

bool Cors::Allows(std::string_view origin) const {
  if (origin.empty()) return false;
  std::string lower = Lower(origin);
  return std::find(origins_.begin(), origins_.end(), lower) != origins_.end();
}

std::optional<Response> Cors::Preflight(const Request& request) const {
  if (request.method != "OPTIONS" || request.Header("origin").empty() ||
      request.Header("access-control-request-method").empty()) {
    return std::nullopt;
  }
  Response response = Response::NoContent();
  Decorate(request, response);
  if (Allows(request.Header("origin"))) {
    response.SetHeader("Access-Control-Allow-Methods", kAllowMethods);
    response.SetHeader("Access-Control-Allow-Headers", kAllowHeaders);
    response.SetHeader("Access-Control-Max-Age", max_age_);
  }
  return response;
}

void Cors::Decorate(const Request& request, Response& response) const {
  response.SetHeader("Vary", "Origin");
  std::string_view origin = request.Header("origin");
  if (!Allows(origin)) return;
  response.SetHeader("Access-Control-Allow-Origin", std::string(origin));
  if (allow_credentials_) response.SetHeader("Access-Control-Allow-Credentials", "true");
  response.SetHeader("Access-Control-Expose-Headers", kExposeHeaders);
}

}  // namespace gatehouse
