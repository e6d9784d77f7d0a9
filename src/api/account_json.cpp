// The shapes docs/api.md gives a user's things in, shared by their routes and the data export.
#include "api/account_json.hpp"

#include "auth/security_log.hpp"
#include "core/comma_list.hpp"
#include "core/json_text.hpp"
#include "core/time_format.hpp"

namespace gatehouse {
namespace {

nlohmann::json LocationJson(const std::optional<Location>& location) {
  if (!location) return nullptr;
  return {{"country", location->country},
          {"region", TextOrNull(location->region)},
          {"city", TextOrNull(location->city)}};
}

nlohmann::json ClientJson(const ParsedUserAgent& agent) {
  return {{"browser", agent.browser}, {"os", agent.os}, {"device", agent.device}};
}

}  // namespace

nlohmann::json SessionJson(const SessionView& v, const std::string& current_session_id) {
  const SessionRecord& s = v.record;
  return {{"session_id", s.id},
          {"user_id", s.user_id},
          {"current", s.id == current_session_id},
          {"remember_me", s.remember_me},
          {"last_active", FormatRfc3339(s.last_active)},
          {"last_user_agent", s.last_user_agent},
          {"last_client", ClientJson(v.last_client)},
          {"last_ip_address", s.last_ip_address},
          {"last_location", LocationJson(v.last_location)},
          {"login_time", FormatRfc3339(s.login_time)},
          {"login_user_agent", s.login_user_agent},
          {"login_client", ClientJson(v.login_client)},
          {"login_ip_address", s.login_ip_address},
          {"login_location", LocationJson(v.login_location)},
          {"expires_at", FormatRfc3339(s.refresh_expires_at)}};
}

nlohmann::json PasskeyJson(const PasskeyRecord& p) {
  nlohmann::json out = {{"passkey_id", p.id},
                        {"name", p.name},
                        {"created_at", FormatRfc3339(p.created_at)},
                        {"last_used_at", nullptr},
                        {"backup_eligible", p.backup_eligible},
                        {"backed_up", p.backed_up},
                        {"transports", SplitCommas(p.transports)}};
  if (p.last_used_at) out["last_used_at"] = FormatRfc3339(*p.last_used_at);
  return out;
}

nlohmann::json MfaStatusJson(const MfaStatus& status) {
  nlohmann::json body = {{"totp", status.totp},
                         {"email", status.email},
                         {"sms", status.sms},
                         {"webauthn", status.webauthn},
                         {"recovery_codes_left", status.recovery_codes_left}};
  if (status.sms) body["sms_phone"] = status.sms_phone;
  return body;
}

nlohmann::json SecurityEventJson(const EventRecord& e, bool for_owner) {
  bool hide_origin = for_owner && ByAnother(e);
  auto origin = [&](const std::string& s) { return hide_origin ? std::string() : s; };
  return {{"event_id", e.id},
          {"type", e.type},
          {"created_at", FormatRfc3339Millis(e.created_at)},
          {"user_id", TextOrNull(e.user_id)},
          {"actor_id", TextOrNull(e.actor_id)},
          {"session_id", TextOrNull(e.session_id)},
          {"ip_address", TextOrNull(origin(e.ip_address))},
          {"user_agent", TextOrNull(origin(e.user_agent))},
          {"device", TextOrNull(origin(e.device))},
          {"country", TextOrNull(origin(e.country))},
          {"location", TextOrNull(origin(e.location))},
          {"detail", DetailOf(e)}};
}

}  // namespace gatehouse
