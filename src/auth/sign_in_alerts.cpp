#include "auth/sign_in_alerts.hpp"

#include "auth/link_tokens.hpp"
#include "core/time_format.hpp"
#include "notify/outbox_sender.hpp"
#include "store/connection.hpp"
#include "store/known_device_store.hpp"
#include "store/sign_in_alert_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

constexpr std::int64_t kDaySeconds = 24 * 3600;
constexpr std::int64_t kTouchSeconds = 3600;

// "Berlin, Land Berlin (DE)"; "an unknown place" when GeoIP cannot tell.
std::string PlaceOf(const std::optional<Location>& location) {
  if (!location || location->country.empty()) return "an unknown place";
  std::string place = location->city;
  if (!location->region.empty() && location->region != location->city) {
    place += (place.empty() ? "" : ", ") + location->region;
  }
  return place.empty() ? location->country : place + " (" + location->country + ")";
}

}  // namespace

SignInAlerts::SignInAlerts(const AccountContext& context, const GeoIp& geo,
                           const UserAgentParser& agents)
    : ctx_(context), geo_(geo), agents_(agents) {}

void SignInAlerts::Watch(TokenService& tokens) const {
  if (ctx_.config.alerts.new_device_days == 0) return;
  tokens.OnSignInSessionStarting(
      [this](Connection& sql, const UserRecord& user, const SessionRecord& session) {
        Check(sql, user, session);
      });
}

void SignInAlerts::Check(Connection& sql, const UserRecord& user,
                         const SessionRecord& session) const {
  ParsedUserAgent agent = agents_.Parse(session.login_user_agent);
  std::string device = agent.browser_family + " on " + agent.os_family;
  std::optional<Location> location = geo_.Lookup(session.login_ip_address);
  std::string country = location ? location->country : "";
  std::int64_t now = session.login_time;

  auto history = known_device_store::Find(sql, user.id, device, country);
  // A device seen within the hour is not written again: the window is days long, and sign-ins
  // in a row (scripts, a passkey each visit) then add a read, not a write.
  if (!history.last_seen || *history.last_seen <= now - kTouchSeconds) {
    known_device_store::Touch(sql, user.id, device, country, now);
  }
  std::int64_t window = std::int64_t{ctx_.config.alerts.new_device_days} * kDaySeconds;
  bool seen_lately = history.last_seen && *history.last_seen > now - window;
  if (!history.any || seen_lately) return;

  std::string token = NewLinkToken();
  sign_in_alert_store::Insert(sql, LinkTokenHash(token), {user.id, session.id}, now,
                              now + kLinkDays * kDaySeconds);
  std::string shown_device = agent.Shown();
  OutboxSender::Enqueue(
      sql, user.email,
      ctx_.templates.Render(MessageKind::kNewSignIn,
                            {{"product", ctx_.config.mail.product_name},
                             {"name", user.NameOrEmail()},
                             {"time", FormatRfc3339(now)},
                             {"device", shown_device.empty() ? "an unknown device" : shown_device},
                             {"location", PlaceOf(location)},
                             {"ip", session.login_ip_address},
                             {"link", ctx_.config.ui.link_base + "/not-me?token=" + token},
                             {"link_days", std::to_string(kLinkDays)}}),
      now);
  ctx_.security_log.Append(sql, {SecurityEventType::kSignInFromNewDevice,
                                 user.id,
                                 session.id,
                                 "",
                                 {session.login_ip_address, session.login_user_agent}});
  sql.AfterCommit([this] { ctx_.outbox.Notify(); });
}

Result<std::string> SignInAlerts::NotMe(const std::string& token, const ClientInfo& client) const {
  auto invalid = [] {
    return MakeError(Errc::kInvalidToken, "unknown, used or expired sign-in alert link",
                     "The link is invalid, used or expired.");
  };
  if (!IsWellFormedLinkToken(token)) return invalid();
  std::string hash = LinkTokenHash(token);
  std::int64_t now = ctx_.clock.NowSeconds();
  auto link = ctx_.db.Run<std::optional<sign_in_alert_store::AlertLink>>(
      [&](Connection& sql) -> Result<std::optional<sign_in_alert_store::AlertLink>> {
        return sign_in_alert_store::Find(sql, hash, now);
      });
  if (!link) return link.error();
  if (!*link) return invalid();
  // The session ends before the link is spent, so that a failure leaves the link to try again.
  // One signed out or expired since has nothing left to end.
  if (auto revoked = ctx_.tokens.RevokeSession((*link)->session_id); !revoked) {
    return revoked.error();
  }
  auto used = ctx_.db.Transaction<std::string>([&](Connection& sql) -> Result<std::string> {
    auto spent = sign_in_alert_store::Use(sql, hash, now);
    if (!spent) return invalid();  // a concurrent use came first
    auto user = user_store::FindById(sql, spent->user_id);
    if (!user) return invalid();
    QueuePasswordLink(ctx_, sql, *user, MessageKind::kPasswordReset, now);
    ctx_.security_log.Append(
        sql, {SecurityEventType::kSignInDisowned, user->id, spent->session_id, "", client});
    return user->email;
  });
  if (used) ctx_.outbox.Notify();
  return used;
}

}  // namespace gatehouse
