#pragma once

#include <string>

#include "agent/user_agent_parser.hpp"
#include "auth/account_context.hpp"
#include "auth/security_log.hpp"
#include "geo/geoip.hpp"

namespace gatehouse {

// New sign-in alerts. Each sign-in session is checked, in the transaction that makes it,
// against the devices (browser and system families, so that an update is no new device) and
// countries the account signed in from: one not seen for alerts.new_device_days e-mails the
// user the time, device, place and address, with a "this wasn't me" link. The account's first
// sign-in alerts nobody. Thread-safe.
class SignInAlerts {
 public:
  static constexpr int kLinkDays = 7;

  SignInAlerts(const AccountContext& context, const GeoIp& geo, const UserAgentParser& agents);

  // Checks each sign-in session `tokens` makes; nothing with alerts.new_device_days 0. Call
  // once, before serving.
  void Watch(TokenService& tokens) const;

  // The "this wasn't me" link `token` (single use, kLinkDays): signs the session it told of
  // out and e-mails the account a link to choose a new password. Returns the account's
  // address. kInvalidToken for an unknown, used or expired link.
  Result<std::string> NotMe(const std::string& token, const ClientInfo& client) const;

 private:
  void Check(Connection& sql, const UserRecord& user, const SessionRecord& session) const;

  AccountContext ctx_;
  const GeoIp& geo_;
  const UserAgentParser& agents_;
};

}  // namespace gatehouse
