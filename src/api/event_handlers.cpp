// The security log: GET /v1/me/security-log (the caller's own) and GET /v1/events (an
// administrator's, of everyone), newest first, a page at a time (docs/api.md).
#include <nlohmann/json.hpp>

#include "api/account_json.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/security_log.hpp"
#include "core/base64url_text.hpp"
#include "core/form_encoding.hpp"
#include "core/json_text.hpp"
#include "core/time_format.hpp"

namespace gatehouse {
namespace {

Error BadQuery(const char* name, std::string detail) {
  return MakeError(Errc::kValidationFailed, std::string("bad query ") + name, std::move(detail));
}

// The percent-decoded value of `name` (empty when absent).
Result<std::string> Text(const Request& request, const char* name) {
  auto value = FormDecode(request.QueryParam(name));
  if (!value) return BadQuery(name, std::string("'") + name + "' is not percent-encoded right.");
  return *value;
}

// An id as this server makes them (letters, digits, '-' and '_'), for `name`.
Result<std::string> IdParam(const Request& request, const char* name) {
  auto value = Text(request, name);
  if (!value) return value.error();
  if (!IsServerMadeIdOrEmpty(*value))
    return BadQuery(name, std::string("'") + name + "' is not one this server gave.");
  return value;
}

// limit and cursor, common to both listings.
Result<event_store::EventQuery> PageOf(const Request& request) {
  event_store::EventQuery query;
  auto limit = PageLimitOf(request, query.limit);
  if (!limit) return limit.error();
  query.limit = *limit;
  auto cursor = IdParam(request, "cursor");
  if (!cursor) return cursor.error();
  query.before_id = std::move(*cursor);
  return query;
}

// An RFC 3339 time for `name`, in Unix milliseconds; 0 when absent.
Result<std::int64_t> TimeParam(const Request& request, const char* name) {
  auto text = Text(request, name);
  if (!text) return text.error();
  if (text->empty()) return std::int64_t{0};
  auto millis = ParseRfc3339Millis(*text);
  if (!millis) {
    return BadQuery(
        name, std::string("'") + name + "' must be an RFC 3339 time such as 2026-12-01T09:30:00Z.");
  }
  return *millis;
}

Response EventPage(Services& s, const event_store::EventQuery& query, bool for_owner) {
  GH_TRY(events, s.security_log.List(query));
  nlohmann::json list = nlohmann::json::array();
  for (const EventRecord& e : events) list.push_back(SecurityEventJson(e, for_owner));
  // A full page may have a next one; a short page is the last.
  bool full = static_cast<int>(events.size()) == query.limit;
  return JsonResponse(
      200, {{"events", list}, {"next_cursor", TextOrNull(full ? events.back().id : "")}});
}

Response MySecurityLog(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(query, PageOf(request));
  query.user_id = caller.user_id;
  return EventPage(s, query, /*for_owner=*/true);
}

Response AllEvents(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(query, PageOf(request));
  GH_TRY(user_id, IdParam(request, "user_id"));
  query.user_id = user_id;
  GH_TRY(type, Text(request, "type"));
  if (!type.empty() && !ParseSecurityEventType(type)) {
    return ProblemResponse(
        BadQuery("type", "'type' must be one of the event types docs/api.md lists."));
  }
  query.type = type;
  GH_TRY(since, TimeParam(request, "since"));
  GH_TRY(until, TimeParam(request, "until"));
  if (since > 0 && until > 0 && until <= since) {
    return ProblemResponse(BadQuery("until", "'until' must be later than 'since'."));
  }
  query.since_millis = since;
  query.until_millis = until;
  return EventPage(s, query, /*for_owner=*/false);
}

}  // namespace

void AddEventRoutes(Router& router, Services& s) {
  router.Add("GET", "/v1/me/security-log", Bind(s, MySecurityLog));
  router.Add("GET", "/v1/events", Bind(s, AllEvents));
}

}  // namespace gatehouse
