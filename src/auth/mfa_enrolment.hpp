#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/account_context.hpp"
#include "auth/mfa_codes.hpp"
#include "core/factor_method.hpp"
#include "crypto/secret_box.hpp"

namespace gatehouse {

struct MfaStatus {
  bool totp = false;
  bool email = false;
  bool sms = false;
  bool webauthn = false;  // a passkey (managed under /v1/me/passkeys)
  int recovery_codes_left = 0;
  std::string sms_phone;  // masked, when sms is set up
};

struct TotpEnrolment {
  std::string secret;  // base32, for typing into an app
  std::string otpauth_uri;
  std::string qr_svg;
};

// Setting up and removing second factors from the account center: an authenticator app
// (TOTP, RFC 6238), codes by e-mail or SMS (MfaCodes), and the recovery codes that come with
// the first factor. A factor is pending until a code confirms it; seeds are stored sealed
// (SecretBox). Every change e-mails a notice. Thread-safe.
class MfaEnrolment {
 public:
  MfaEnrolment(const AccountContext& context, const SecretBox& box);

  Result<MfaStatus> Overview(const std::string& user_id);

  // Starts (or restarts) enrolment of an authenticator app; pending until confirmed.
  Result<TotpEnrolment> EnrollTotp(const AccessContext& caller, const std::string& password);
  // Confirms the pending app with a current code. Returns recovery codes when this is the
  // user's first factor (empty otherwise).
  Result<std::vector<std::string>> ConfirmTotp(const AccessContext& caller,
                                               const std::string& code);
  // Starts (or restarts) enrolment of codes by e-mail: sends a code to the account's address.
  Result<CodeSent> EnrollEmail(const AccessContext& caller, const std::string& password);
  // The same by SMS to `phone` (E.164; kValidationFailed otherwise).
  Result<CodeSent> EnrollSms(const AccessContext& caller, const std::string& password,
                             const std::string& phone);
  // Confirms a pending e-mail or SMS factor with the code sent. Recovery codes as for
  // ConfirmTotp.
  Result<std::vector<std::string>> ConfirmCode(const AccessContext& caller, FactorMethod method,
                                               const std::string& code);
  // Removes a factor; with no factor left, recovery codes go too. kNotFound when the user
  // has none of that method.
  Status Disable(const AccessContext& caller, FactorMethod method, const std::string& password);
  // New recovery codes; the old ones stop working. Needs a confirmed factor.
  Result<std::vector<std::string>> RegenerateRecoveryCodes(const AccessContext& caller,
                                                           const std::string& password);

 private:
  // Stores a pending e-mail or SMS factor and queues its first code.
  Result<CodeSent> EnrollCodeFactor(const AccessContext& caller, const std::string& password,
                                    FactorMethod method, const std::optional<std::string>& phone);
  // After a factor's code checked out: confirms it, records it on the user, queues the notice;
  // returns recovery codes when it is the first factor.
  std::vector<std::string> FinishConfirmation(Connection& sql, const AccessContext& caller,
                                              const UserRecord& user,
                                              const std::vector<MfaFactorRecord>& factors,
                                              FactorMethod method, std::int64_t now);

  AccountContext ctx_;
  const SecretBox& box_;
  MfaCodes codes_;
};

}  // namespace gatehouse
