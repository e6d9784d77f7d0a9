#include "http/middleware.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/result.hpp"
#include "crypto/random.hpp"
#include "http/problem.hpp"

namespace gatehouse {

std::string RequestIdFor(std::string_view incoming) {
  bool sane = !incoming.empty() && incoming.size() <= 128 &&
              std::all_of(incoming.begin(), incoming.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
              });
  return sane ? std::string(incoming) : RandomToken(12);
}

Response Dispatch(const Router::Match& match, const Request& request) {
  switch (match.outcome) {
    case Router::Outcome::kNotFound:
      return ProblemResponse(MakeError(Errc::kNotFound, "", "No such endpoint."));
    case Router::Outcome::kMethodNotAllowed: {
      Response r = ProblemResponse(MakeError(
          Errc::kMethodNotAllowed, "", "This endpoint does not accept " + request.method + "."));
      r.SetHeader("Allow", match.allow);
      return r;
    }
    case Router::Outcome::kFound: break;
  }
  return Guarded([&] { return match.route->handler(request, match.params); });
}

Response Guarded(const std::function<Response()>& work) {
  try {
    return work();
  } catch (const std::exception& e) {
    // A bug: log it in full, answer generically.
    return ProblemResponse(MakeError(Errc::kInternal, std::string("unhandled: ") + e.what()));
  }
}

void AddStandardHeaders(Response& r, const std::string& request_id) {
  r.SetHeader("X-Request-Id", request_id);
  r.SetHeader("X-Content-Type-Options", "nosniff");
  // Pages bring their own policies (they load a stylesheet, and their forms need the browser
  // to send Origin); everything else loads nothing and refers to nothing.
  if (!r.HasHeader("Referrer-Policy")) r.SetHeader("Referrer-Policy", "no-referrer");
  if (!r.HasHeader("Content-Security-Policy")) {
    r.SetHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
  r.SetHeader("X-Frame-Options", "DENY");
  // Responses carry tokens or personal data unless a handler says otherwise (JWKS, health).
  // Pragma for HTTP/1.0 caches, as RFC 6749 §5.1 asks of token responses.
  if (!r.HasHeader("Cache-Control")) {
    r.SetHeader("Cache-Control", "no-store");
    r.SetHeader("Pragma", "no-cache");
  }
}

}  // namespace gatehouse
