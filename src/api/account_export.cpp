#include "api/account_export.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

#include "api/account_json.hpp"
#include "api/handler_support.hpp"
#include "api/user_json.hpp"
#include "auth/mfa_enrolment.hpp"
#include "auth/passkey_enrolment.hpp"
#include "auth/security_log.hpp"
#include "auth/session_service.hpp"
#include "core/time_format.hpp"
#include "oidc/authorization_service.hpp"

namespace gatehouse {
namespace {

// The most security log events an export carries (newest first): retention bounds the log,
// but failed sign-ins anyone can cause.
constexpr std::size_t kMaxExportedEvents = 10000;

}  // namespace

Result<nlohmann::json> AccountExport(Services& s, const AuthenticatedAccount& caller) {
  const std::string& user_id = caller.account.id;
  auto sessions = s.sessions.List(user_id);
  if (!sessions) return sessions.error();
  auto factors = s.second_factors.Overview(user_id);
  if (!factors) return factors.error();
  auto passkeys = s.passkeys.List(user_id);
  if (!passkeys) return passkeys.error();
  auto apps = s.authorizations.ConnectedApps(user_id);
  if (!apps) return apps.error();
  nlohmann::json out = {{"exported_at", FormatRfc3339(std::time(nullptr))},
                        {"user", UserJson(caller.account)},
                        {"sessions", nlohmann::json::array()},
                        {"second_factors", MfaStatusJson(*factors)},
                        {"passkeys", nlohmann::json::array()},
                        {"connected_apps", nlohmann::json::array()},
                        {"security_log", nlohmann::json::array()}};
  for (const SessionView& v : *sessions) {
    out["sessions"].push_back(SessionJson(v, caller.access.session_id));
  }
  for (const PasskeyRecord& p : *passkeys) out["passkeys"].push_back(PasskeyJson(p));
  for (const ConnectedApp& app : *apps) {
    out["connected_apps"].push_back({{"client_id", app.client_id},
                                     {"name", app.name},
                                     {"scope", app.scope},
                                     {"since", FormatRfc3339(app.since)}});
  }
  event_store::EventQuery query{.user_id = user_id, .limit = 200};
  nlohmann::json& log = out["security_log"];
  while (log.size() < kMaxExportedEvents) {
    auto events = s.security_log.List(query);
    if (!events) return events.error();
    for (const EventRecord& e : *events) log.push_back(SecurityEventJson(e, /*for_owner=*/true));
    if (events->size() < static_cast<std::size_t>(query.limit)) break;
    query.before_id = events->back().id;
  }
  return out;
}

Response ExportAttachment(const nlohmann::json& export_json) {
  Response response = JsonResponse(200, export_json);
  response.SetHeader("Content-Disposition", "attachment; filename=\"gatehouse-export.json\"");
  // Personal data: no cache keeps a copy.
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace gatehouse
