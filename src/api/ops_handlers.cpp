#include <nlohmann/json.hpp>

#include "api/handler_support.hpp"
#include "api/openapi.hpp"
#include "api/routes.hpp"
#include "auth/key_ring.hpp"
#include "cache/cache.hpp"
#include "ops/metrics.hpp"
#include "store/database.hpp"

namespace gatehouse {

void AddAllRoutes(Router& router, Services& services) {
  AddAuthRoutes(router, services);
  AddPasswordRoutes(router, services);
  AddInvitationRoutes(router, services);
  AddAccountRoutes(router, services);
  AddSessionRoutes(router, services);
  AddMfaRoutes(router, services);
  AddPasskeyRoutes(router, services);
  AddClientRoutes(router, services);
  AddUserRoutes(router, services);
  AddEventRoutes(router, services);
  AddWebhookRoutes(router, services);
  AddOidcRoutes(router, services);
  AddOpsRoutes(router, services);
  AddRateLimits(router, services);
}

void AddOpsRoutes(Router& router, Services& s) {
  router.Add(
      "GET", "/healthz",
      [](const Request&, const PathParams&) { return Response::Json(200, R"({"status":"ok"})"); },
      Execution::kInline);

  router.Add("GET", "/readyz", [&s](const Request&, const PathParams&) {
    bool database = s.db.Ping();
    bool cache = s.cache.Ping();
    Response r = JsonResponse(database && cache ? 200 : 503,
                              {{"status", database && cache ? "ready" : "unavailable"},
                               {"database", database ? "ok" : "down"},
                               {"cache", cache ? "ok" : "down"}});
    return r;
  });

  router.Add(
      "GET", "/openapi.json",
      [](const Request&, const PathParams&) {
        Response r = Response::Json(200, std::string(OpenApiDocument()));
        r.SetHeader("Cache-Control", "public, max-age=300");
        return r;
      },
      Execution::kInline);

  router.Add("GET", "/metrics", [](const Request&, const PathParams&) {
    Response r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = GlobalMetrics().Render();
    return r;
  });

  router.Add(
      "GET", "/.well-known/jwks.json",
      [&s](const Request&, const PathParams&) {
        Response r = Response::Json(200, *s.keys.JwksJson());
        r.SetHeader("Content-Type", "application/jwk-set+json");
        // Public keys only; short enough that a rotation reaches verifiers quickly.
        r.SetHeader("Cache-Control", "public, max-age=300");
        return r;
      },
      Execution::kInline);
}

}  // namespace gatehouse
