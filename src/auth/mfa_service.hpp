#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/account_context.hpp"
#include "auth/mfa_codes.hpp"
#include "crypto/secret_box.hpp"

namespace gatehouse {

struct MfaStatus {
  bool totp = false;
  bool email = false;
  bool sms = false;
  int recovery_codes_left = 0;
  std::string sms_phone;  // masked, when sms is set up
};

struct TotpEnrolment {
  std::string secret;  // base32, for typing into an app
  std::string otpauth_uri;
  std::string qr_svg;
};

// Where a code was sent, masked ("a***@example.com", "+*********23").
struct CodeSent {
  std::string sent_to;
};

// What a correct password gets when the account has a second factor.
struct MfaChallenge {
  std::string mfa_token;
  std::vector<std::string> methods;  // e.g. {"totp", "sms", "recovery_code"}
};

// True when the user has confirmed a second factor of `method` ("totp", "email", "sms").
bool HasSecondFactor(const UserRecord& user, std::string_view method);

// Second factors: an authenticator app (TOTP, RFC 6238), codes by e-mail or SMS (MfaCodes),
// recovery codes, and the login step that asks for one. Seeds are stored sealed (SecretBox),
// codes as hashes; a TOTP code is accepted once. Thread-safe.
class MfaService {
 public:
  MfaService(const AccountContext& context, const SecretBox& box);

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
  // Confirms a pending "email" or "sms" factor with the code sent. Recovery codes as for
  // ConfirmTotp.
  Result<std::vector<std::string>> ConfirmCode(const AccessContext& caller,
                                               const std::string& method, const std::string& code);
  // Removes a factor ("totp", "email", "sms"); with no factor left, recovery codes go too.
  // kNotFound when the user has none of that method.
  Status Disable(const AccessContext& caller, const std::string& method,
                 const std::string& password);
  // New recovery codes; the old ones stop working. Needs a confirmed factor.
  Result<std::vector<std::string>> RegenerateRecoveryCodes(const AccessContext& caller,
                                                           const std::string& password);

  // After a correct password: a challenge when the user has a confirmed factor, else nullopt.
  Result<std::optional<MfaChallenge>> ChallengeIfEnrolled(const UserRecord& user, bool remember_me);
  // Sends a code for a live challenge by "email" or "sms", if the user has that factor.
  Result<CodeSent> SendLoginCode(const std::string& mfa_token, const std::string& method);
  // Completes a login with the challenge's token and a code of `method` ("totp", "email",
  // "sms" or "recovery_code"). kMfaInvalidCode for a wrong code (5 attempts per challenge);
  // kInvalidToken for an unknown, used or expired token.
  Result<TokenPair> CompleteLogin(const std::string& mfa_token, const std::string& method,
                                  const std::string& code, const ClientInfo& client);

 private:
  Result<bool> CheckSecondFactor(const UserRecord& user, const std::string& method,
                                 const std::string& code);
  // Stores a pending e-mail or SMS factor and queues its first code.
  Result<CodeSent> EnrollCodeFactor(const AccessContext& caller, const std::string& password,
                                    const std::string& method,
                                    const std::optional<std::string>& phone);
  // After a factor's code checked out: confirms it, records it on the user, queues the notice;
  // returns recovery codes when it is the first factor.
  std::vector<std::string> FinishConfirmation(Connection& sql, const UserRecord& user,
                                              const std::vector<MfaFactorRecord>& factors,
                                              const std::string& method, std::int64_t now);
  // The live, unused challenge with this token and its user; kInvalidToken otherwise.
  Result<std::pair<MfaChallengeRecord, UserRecord>> FindLiveChallenge(const std::string& hash,
                                                                      std::int64_t now);
  // Ten new codes; their hashes replace the old ones (inside the caller's transaction).
  std::vector<std::string> IssueRecoveryCodes(Connection& sql, const std::string& user_id,
                                              std::int64_t now);
  void QueueNotice(Connection& sql, const UserRecord& user, const std::string& change,
                   std::int64_t now);

  AccountContext ctx_;
  const SecretBox& box_;
  MfaCodes codes_;
};

}  // namespace gatehouse
