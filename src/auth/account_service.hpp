#pragma once

#include <string>

#include "auth/account_context.hpp"
#include "store/records.hpp"

namespace gatehouse {

struct RegisterRequest {
  std::string email;
  std::string password;
  std::string name;
};

// Accounts: registration and e-mail verification (administrators make users through
// UserAdministration). Messages are queued in the outbox in the same transaction as the
// change that causes them. Thread-safe.
class AccountService {
 public:
  explicit AccountService(const AccountContext& context);

  // Same outcome and about the same time whether or not the address is taken (no account
  // enumeration): a new address gets a verification e-mail, a taken one a notice.
  Status Register(const RegisterRequest& request, const ClientInfo& client);

  Status VerifyEmailByToken(const std::string& token, const ClientInfo& client);
  Status VerifyEmailByCode(const std::string& email, const std::string& code,
                           const ClientInfo& client);
  // Sends a fresh link and code to an unverified account; silent otherwise. Rate limited per
  // address (kRateLimited), whether or not the account exists.
  Status ResendVerification(const std::string& email);

  Result<UserRecord> FindUser(const std::string& user_id);

 private:
  // Queues the verification e-mail with a new link token and code (voiding older ones).
  void QueueVerification(Connection& sql, const UserRecord& user, std::int64_t now);

  AccountContext ctx_;
};

}  // namespace gatehouse
