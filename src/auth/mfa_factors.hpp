#pragma once

#include <string>
#include <vector>

#include "auth/account_context.hpp"
#include "core/factor_method.hpp"
#include "core/result.hpp"
#include "crypto/secret_box.hpp"
#include "store/records.hpp"

namespace gatehouse {

class Connection;

// What enrolment, recovery codes and the sign-in challenge share about a user's factors.

// True when the user has confirmed a second factor of `method` (users.second_factors).
bool HasSecondFactor(const UserRecord& user, FactorMethod method);

// The user's factor of `method` in `factors`, or nullptr.
const MfaFactorRecord* FindFactor(const std::vector<MfaFactorRecord>& factors, FactorMethod method);
// A pointer into a temporary list would dangle (AddressSanitizer caught exactly that).
const MfaFactorRecord* FindFactor(std::vector<MfaFactorRecord>&& factors,
                                  FactorMethod method) = delete;

// Uses a code of the user's authenticator app (TOTP) in the caller's transaction, once:
// false when it is not a current code, its step was used already (by a concurrent request
// too), or the user has no confirmed app.
Result<bool> UseTotpCode(Connection& sql, const SecretBox& box, const std::string& user_id,
                         const std::string& code, std::int64_t now);

// The user's second factors: the confirmed mfa factors, then webauthn when the user has a
// passkey.
std::vector<FactorMethod> ConfirmedMethods(Connection& sql, const std::string& user_id);

// Keeps users.second_factors in step with ConfirmedMethods (in the caller's transaction),
// and returns them; with none left, the recovery codes go too.
std::vector<FactorMethod> RecordConfirmedMethods(Connection& sql, const std::string& user_id);

// Queues the e-mail telling the user their sign-in methods changed: `change` says how ("An
// authenticator app was added as a second factor."), with the time and a reset link.
void QueueFactorNotice(Connection& sql, const AccountContext& ctx, const UserRecord& user,
                       const std::string& change, std::int64_t now);

// kMfaInvalidCode: the code is wrong, used or expired.
Error WrongCode();

}  // namespace gatehouse
