#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace gatehouse {

// Cross-origin requests from browsers: only pages on an explicit list of origins may call the
// API (never "*"). A preflight (OPTIONS with Access-Control-Request-Method) is answered 204,
// with the CORS headers for an allowed origin and without them for any other, so the browser
// refuses. Responses to an allowed origin name it in Access-Control-Allow-Origin; every
// response says Vary: Origin, so a shared cache never hands one origin's answer to another.
// Immutable after construction; thread-safe.
class Cors {
 public:
  // `origins`: comma-separated "scheme://host[:port]" (http or https, no path). Throws
  // std::invalid_argument naming a bad entry. `allow_credentials`: cookies may be sent
  // (cookie mode).
  Cors(std::string_view origins, bool allow_credentials, int max_age_seconds);

  bool Allows(std::string_view origin) const;
  // The answer to a preflight request; nullopt for any other request.
  std::optional<Response> Preflight(const Request& request) const;
  // Adds the CORS headers a response to `request` needs.
  void Decorate(const Request& request, Response& response) const;

 private:
  std::vector<std::string> origins_;  // lower-case
  bool allow_credentials_;
  std::string max_age_;
};

}  // namespace gatehouse
