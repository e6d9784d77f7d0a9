#pragma once

#include <string>
#include <vector>

#include "auth/account_context.hpp"

namespace gatehouse {

struct AcceptInvitationRequest {
  std::string token;
  std::string password;
  std::string name;
};

// Administrators invite people by e-mail; accepting the e-mailed link (valid
// accounts.invitation_ttl_seconds, 7 days by default) creates a verified account with the
// invited role and signs it in. Callers check that the inviter is an administrator.
// Thread-safe.
class InvitationService {
 public:
  explicit InvitationService(const AccountContext& context);

  // Replaces any pending invitation to the same address. kConflict when the address already
  // has an account; kValidationFailed for a bad address or a role other than user/admin.
  Result<InvitationRecord> Invite(const AccessContext& inviter, const std::string& email,
                                  const std::string& role);
  Result<std::vector<InvitationRecord>> ListPending();
  // kNotFound unless the invitation is pending.
  Status Revoke(const std::string& invitation_id);
  // kInvalidToken for an unknown, used, revoked or expired link; kConflict when the address
  // registered meanwhile.
  Result<TokenPair> Accept(const AcceptInvitationRequest& request, const ClientInfo& client);

 private:
  AccountContext ctx_;
};

}  // namespace gatehouse
