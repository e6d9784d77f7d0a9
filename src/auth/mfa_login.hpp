#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/account_context.hpp"
#include "auth/mfa_codes.hpp"
#include "auth/passkey_ceremonies.hpp"
#include "core/factor_method.hpp"
#include "crypto/secret_box.hpp"

namespace gatehouse {

// What a correct password gets when the account has a second factor.
struct MfaChallenge {
  std::string mfa_token;
  std::vector<FactorMethod> methods;  // the confirmed factors, then recovery codes
};

// The sign-in step after a correct password: a challenge (single use, 5 minutes, 5 wrong
// codes) completed with a code of one of the user's factors; a TOTP code is accepted once.
// Thread-safe.
class MfaLogin {
 public:
  MfaLogin(const AccountContext& context, const SecretBox& box, const PasskeyCeremonies& passkeys);

  // A challenge when the user has a confirmed factor, else nullopt.
  Result<std::optional<MfaChallenge>> ChallengeIfEnrolled(const UserRecord& user, bool remember_me);
  // Sends a code for a live challenge by e-mail or SMS, if the user has that factor.
  Result<CodeSent> SendLoginCode(const std::string& mfa_token, FactorMethod method);
  // Completes a login with the challenge's token and a code of `method`. kMfaInvalidCode for
  // a wrong code (5 attempts per challenge); kInvalidToken for an unknown, used or expired
  // token.
  Result<TokenPair> CompleteLogin(const std::string& mfa_token, FactorMethod method,
                                  const std::string& code, const ClientInfo& client);
  // The request options for a passkey as the second factor: the user's passkeys listed, the
  // challenge bound to this mfa_token. kValidationFailed when the user has no passkey.
  Result<nlohmann::json> PasskeyOptions(const std::string& mfa_token);
  // Completes a login with an assertion of one of the user's passkeys (an attempt, as a
  // code is); amr ["pwd", "webauthn", "mfa"].
  Result<TokenPair> CompleteWithPasskey(const std::string& mfa_token,
                                        const AssertionResponse& assertion,
                                        const ClientInfo& client);

 private:
  Result<bool> CheckSecondFactor(const UserRecord& user, FactorMethod method,
                                 const std::string& code);
  // Counts an attempt at the challenge of `mfa_token`, then finds it and its user;
  // kInvalidToken when it is malformed, unknown, used, expired or out of attempts.
  Result<std::pair<MfaChallengeRecord, UserRecord>> TakeAttempt(const std::string& mfa_token);
  // After the factor checked out: uses the challenge and starts the session (`with` runs in
  // its transaction).
  // A second factor checked, in the security log: succeeded when `failure` is empty, else
  // failed for that reason.
  void RecordCheck(const std::string& user_id, FactorMethod method, const std::string& failure,
                   const ClientInfo& client) const;
  Result<TokenPair> Finish(const MfaChallengeRecord& challenge, const UserRecord& user,
                           FactorMethod method, const ClientInfo& client,
                           const std::function<Status(Connection&)>& with);
  // The live, unused challenge with this token and its user; kInvalidToken otherwise.
  Result<std::pair<MfaChallengeRecord, UserRecord>> FindLiveChallenge(const std::string& hash,
                                                                      std::int64_t now);
  // Without counting an attempt (to send a code, to give a key's options): the challenge of
  // `mfa_token` and its user while attempts are left; kInvalidToken otherwise.
  Result<std::pair<MfaChallengeRecord, UserRecord>> OpenChallenge(const std::string& mfa_token,
                                                                  std::int64_t now);

  AccountContext ctx_;
  const SecretBox& box_;
  MfaCodes codes_;
  const PasskeyCeremonies& passkeys_;
};

// The method a sign-in names (API or page); kValidationFailed for anything but the four.
Result<FactorMethod> SignInMethod(std::string_view name);

}  // namespace gatehouse
