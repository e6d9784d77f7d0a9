#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// Where a sign-in may send the browser afterwards (?return_to=): never an open redirect.
// Immutable after construction; thread-safe.
class ReturnUrls {
 public:
  // `public_url` and each comma-separated absolute http(s) URL of `allowed` (no user info,
  // query or fragment). Throws std::invalid_argument naming a bad entry.
  ReturnUrls(const std::string& public_url, const std::string& allowed);

  // The absolute URL to redirect to, when `candidate` is allowed: a path on public_url
  // ("/account?tab=sessions"), or an absolute URL with an entry's scheme, host and port whose
  // path is the entry's or below it. nullopt for anything else, including control characters,
  // backslashes, "//host" and user info (tricks that make browsers go elsewhere).
  std::optional<std::string> Resolve(std::string_view candidate) const;

  // The origins a sign-in form may end up on, for the page's form-action directive.
  const std::vector<std::string>& Origins() const { return origins_; }

 private:
  struct Entry {
    bool tls;
    std::string host;  // lower case
    std::string port;
    std::string path;  // without a trailing "/"; empty for the whole origin
  };
  std::vector<Entry> entries_;  // public_url first
  std::vector<std::string> origins_;
};

}  // namespace gatehouse
