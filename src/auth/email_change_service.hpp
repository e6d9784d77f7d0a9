#pragma once

#include <string>

#include "auth/account_context.hpp"
#include "auth/security_log.hpp"

namespace gatehouse {

// A user changing their e-mail address. Asking needs the password; the change happens when
// the link sent to the new address is used, and the old address gets a notice whose link
// undoes it (before or after) for kUndoDays. Thread-safe.
class EmailChangeService {
 public:
  static constexpr int kUndoDays = 7;

  explicit EmailChangeService(const AccountContext& context);

  // Sends the confirmation link to `new_email` and the notice to the current address,
  // replacing a change asked for before and not confirmed. An address another account has gets
  // a notice instead and nothing changes, with the same answer (no enumeration).
  // kInvalidCredentials for a wrong password, kValidationFailed for a bad or the same address,
  // kRateLimited past accounts.verify_resend_per_hour for the account.
  Status Request(const AccessContext& caller, const std::string& password,
                 const std::string& new_email);

  // Makes the change of the confirmation link `token` (single use, expiring after
  // accounts.verify_link_ttl_seconds): the address becomes the new one, verified; every
  // session but the one that asked is signed out. Returns the new address. kInvalidToken for
  // an unknown, used, undone or expired link; kConflict when another account has taken the
  // address meanwhile.
  Result<std::string> Confirm(const std::string& token, const ClientInfo& client);

  // Undoes the change of the old address's link `token`: a pending change dies; a made one is
  // reversed. Either way every session is signed out and the old address gets a link to choose
  // a new password. Returns the account's address. kInvalidToken for an unknown, used or
  // expired link; kConflict when another account has taken the old address meanwhile.
  Result<std::string> Undo(const std::string& token, const ClientInfo& client);

 private:
  AccountContext ctx_;
};

}  // namespace gatehouse
