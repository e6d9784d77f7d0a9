#pragma once

#include <functional>
#include <string>

#include "auth/account_context.hpp"
#include "auth/security_log.hpp"

namespace gatehouse {

// Changing, forgetting and resetting passwords. A new password revokes sessions (all of
// them after a reset, all but the caller's after a change) and e-mails a notice. Thread-safe.
class PasswordService {
 public:
  explicit PasswordService(const AccountContext& context);

  // Needs the current password (kInvalidCredentials otherwise); keeps the caller's session.
  Status ChangePassword(const AccessContext& caller, const std::string& current_password,
                        const std::string& new_password);

  // E-mails a reset link to an account, or a "no account here" notice to any other address:
  // the same outcome and work either way (no account enumeration). Rate limited per address.
  Status ForgotPassword(const std::string& email, const ClientInfo& client);

  // Sets the password with a reset link token (single use, purpose-bound, expiring) and
  // revokes every session of the user. A reset also proves the address: it becomes verified.
  Status ResetPassword(const std::string& token, const std::string& new_password,
                       const ClientInfo& client);

 private:
  // Stores `hash` for the user, appends `event` and queues the notice, in one transaction that
  // also runs `inside` (which may refuse). Revokes the user's sessions but `keep_session_id` first
  // — so with the cache down the answer is 503 before the password changes — and again after the
  // commit, catching a login made with the old password in between.
  Status ReplacePassword(const UserRecord& user, const std::string& hash,
                         const std::string& keep_session_id, const SecurityEvent& event,
                         const std::function<Status(Connection&)>& inside);

  AccountContext ctx_;
};

}  // namespace gatehouse
