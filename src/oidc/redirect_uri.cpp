#include "oidc/redirect_uri.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace gatehouse {
namespace {

constexpr std::size_t kMaxUriLength = 2000;

Error Invalid(std::string_view field, std::string_view why) {
  return MakeError(Errc::kValidationFailed, "bad " + std::string(field),
                   "'" + std::string(field) + "' " + std::string(why) + ".");
}

// RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), lower case here.
bool IsScheme(std::string_view scheme) {
  return !scheme.empty() && std::islower(static_cast<unsigned char>(scheme[0])) &&
         std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
           return std::islower(c) || std::isdigit(c) || c == '+' || c == '-' || c == '.';
         });
}

// "http://127.0.0.1:8080/cb" -> {"http://127.0.0.1", "/cb"} with the port left out, for the
// loopback IP literals whose port may vary; nullopt for anything else.
struct LoopbackParts {
  std::string_view origin_without_port;
  std::string_view rest;
};
std::optional<LoopbackParts> SplitLoopback(std::string_view uri) {
  for (std::string_view origin :
       {std::string_view("http://127.0.0.1"), std::string_view("http://[::1]")}) {
    if (!uri.starts_with(origin)) continue;
    std::string_view after = uri.substr(origin.size());
    if (after.starts_with(':')) {
      std::size_t digits = 1;
      while (digits < after.size() && std::isdigit(static_cast<unsigned char>(after[digits]))) {
        ++digits;
      }
      if (digits == 1 || digits > 6) return std::nullopt;
      after.remove_prefix(digits);
    }
    if (!after.empty() && after[0] != '/' && after[0] != '?') return std::nullopt;
    return LoopbackParts{origin, after};
  }
  return std::nullopt;
}

}  // namespace

Status ValidateRegisteredUri(std::string_view uri, std::string_view field,
                             bool allow_private_scheme) {
  if (uri.empty() || uri.size() > kMaxUriLength) {
    return Invalid(field, "must be a URI of at most 2000 characters");
  }
  if (!std::all_of(uri.begin(), uri.end(),
                   [](unsigned char c) { return c > 0x20 && c < 0x7f && c != '\\'; })) {
    return Invalid(field, "must be plain ASCII without spaces or backslashes");
  }
  if (uri.find('#') != std::string_view::npos) return Invalid(field, "must not have a fragment");
  std::size_t colon = uri.find(':');
  std::string_view scheme = uri.substr(0, colon);
  if (colon == std::string_view::npos || !IsScheme(scheme)) {
    return Invalid(field, "must be an absolute URI");
  }
  if (scheme == "https" || scheme == "http") {
    if (!uri.substr(colon).starts_with("://")) return Invalid(field, "must be an absolute URI");
    std::string_view rest = uri.substr(colon + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
    if (authority.find('@') != std::string_view::npos) {
      return Invalid(field, "must not have user info");
    }
    std::string_view host = authority.starts_with('[')
                                ? authority.substr(0, authority.find(']') + 1)
                                : authority.substr(0, authority.find(':'));
    if (host.empty()) return Invalid(field, "must name a host");
    if (scheme == "http" && host != "127.0.0.1" && host != "[::1]" && host != "localhost") {
      return Invalid(field, "must use https (http only to 127.0.0.1, [::1] or localhost)");
    }
    return Ok{};
  }
  // A private-use scheme is a reverse domain name: it has a dot, which also keeps out
  // javascript:, data:, file: and the like.
  if (allow_private_scheme && scheme.find('.') != std::string_view::npos) return Ok{};
  return Invalid(field, "must use https");
}

bool RedirectUriMatches(std::string_view registered, std::string_view presented) {
  if (registered == presented) return true;
  auto a = SplitLoopback(registered);
  auto b = SplitLoopback(presented);
  return a && b && a->origin_without_port == b->origin_without_port && a->rest == b->rest;
}

}  // namespace gatehouse
