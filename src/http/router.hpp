#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace gatehouse {

using PathParams = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<Response(const Request&, const PathParams&)>;

// How an asynchronous handler answers — once, from any thread: with a response now, or with
// work that may block (SQL, a synchronous cache), run on a worker, whose response is then the
// answer.
struct Answer {
  std::function<void(Response)> now;
  std::function<void(std::function<Response()>)> on_worker;
};
// Starts on the I/O thread that parsed the request and must not block there: it waits for
// the network only through asynchronous clients (cache/redis/redis_pipeline.hpp).
using AsyncHandler = std::function<void(const Request&, const PathParams&, Answer)>;

// How the server runs a handler.
enum class Execution {
  kWorker,   // on the worker pool: may wait for the hashing pool or another slow service
  kStorage,  // touches only the database and the cache: on the I/O thread that parsed the
             // request when both are in this process (SQLite, memory cache) — a hop to a
             // worker and back costs more than the work — else on the worker pool
  kInline,   // on the I/O thread: only for handlers that never block (health, JWKS)
};

struct Route {
  std::string method;
  std::string pattern;  // e.g. "/v1/me/sessions/{session_id}"
  Handler handler;
  Execution execution = Execution::kWorker;
  std::vector<std::string> segments;  // pattern split on '/'
  AsyncHandler async_handler;         // when set, the server calls it instead of `handler`
};

// Maps (method, path) to a handler. Segments written {name} match any one non-empty segment
// and are passed as PathParams. Built at start-up, then read-only (thread-safe to Find).
class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler,
           Execution execution = Execution::kWorker);

  // Gives an added route an asynchronous handler, which the server then calls instead of
  // the synchronous one (kept for what inspects routes). Throws std::logic_error when there
  // is no such route.
  void SetAsync(std::string_view method, std::string_view pattern, AsyncHandler handler);

  // Replaces the handler of an added route with wrap(handler), e.g. to put a rate limit in
  // front of it. Throws std::logic_error when there is no such route (a typo in a table), or
  // when the route has an asynchronous handler, which the wrap would not cover.
  void Wrap(std::string_view method, std::string_view pattern,
            const std::function<Handler(Handler)>& wrap);

  enum class Outcome { kFound, kNotFound, kMethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;
    PathParams params;
    std::string allow;  // for kMethodNotAllowed: the methods the path does accept
  };
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  Route& Named(std::string_view method, std::string_view pattern);

  std::vector<Route> routes_;
};

}  // namespace gatehouse
