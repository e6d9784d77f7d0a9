#include "ui/security_events_view.hpp"

#include <array>
#include <string_view>

#include "auth/security_log.hpp"
#include "core/factor_method.hpp"
#include "core/time_format.hpp"

namespace gatehouse {
namespace {

// The reasons a refusal is shown with: those its owner can act on. Others (a passkey's
// technical refusals) show the event alone.
constexpr std::array<std::string_view, 4> kShownReasons = {
    "wrong_password", "wrong_code", "account_disabled", "email_not_verified"};

bool Shown(std::string_view reason) {
  for (std::string_view known : kShownReasons) {
    if (known == reason) return true;
  }
  return false;
}

// The method of an amr value (RFC 8176) a sign-in's detail lists; empty for "mfa".
std::string_view MethodOfAmr(std::string_view amr) {
  if (amr == "pwd") return "password";
  if (amr == "otp") return "totp";
  if (amr == "sms" || amr == "email" || amr == "webauthn") return amr;
  return {};
}

bool IsMethod(std::string_view name) {
  return name == "password" || ParseFactorMethod(name).has_value();
}

// "passkey · wrong code", "password + authenticator app": how the event's detail says it
// happened — the method, or a sign-in's methods (amr), then the reason of a refusal — as far
// as the catalog names them.
std::string HowOf(const PageServices& pages, const Request& request, const nlohmann::json& detail) {
  auto text = [&](std::string_view prefix, std::string_view name) {
    return pages.renderer.TextFor(request, std::string(prefix) + std::string(name));
  };
  std::string how;
  if (auto amr = detail.find("amr"); amr != detail.end() && amr->is_array()) {
    for (const nlohmann::json& value : *amr) {
      std::string_view method =
          value.is_string() ? MethodOfAmr(value.get_ref<const std::string&>()) : "";
      if (method.empty()) continue;
      how += (how.empty() ? "" : " + ") + text("event.method.", method);
    }
  }
  auto method = detail.find("method");
  if (method != detail.end() && method->is_string() &&
      IsMethod(method->get_ref<const std::string&>())) {
    how +=
        (how.empty() ? "" : " · ") + text("event.method.", method->get_ref<const std::string&>());
  }
  auto reason = detail.find("reason");
  if (reason != detail.end() && reason->is_string() &&
      Shown(reason->get_ref<const std::string&>())) {
    how +=
        (how.empty() ? "" : " · ") + text("event.reason.", reason->get_ref<const std::string&>());
  }
  return how;
}

}  // namespace

nlohmann::json SecurityEventsView(const PageServices& pages, const Request& request,
                                  const std::vector<EventRecord>& events) {
  nlohmann::json list = nlohmann::json::array();
  for (const EventRecord& e : events) {
    nlohmann::json detail = DetailOf(e);
    bool by_admin = ByAnother(e);
    std::int64_t seconds = e.created_at / 1000;
    list.push_back({{"what", pages.renderer.TextFor(request, "event." + e.type)},
                    {"how", HowOf(pages, request, detail)},
                    {"by_admin", by_admin},
                    {"device", by_admin ? "" : e.device},
                    {"place", by_admin ? "" : e.location},
                    {"ip", by_admin ? "" : e.ip_address},
                    {"when", ShownTime(seconds)},
                    {"when_iso", FormatRfc3339(seconds)}});
  }
  return list;
}

}  // namespace gatehouse
