#pragma once

#include <optional>
#include <string>

#include "auth/account_context.hpp"
#include "auth/mfa_login.hpp"

namespace gatehouse {

struct LoginOutcome {
  std::optional<TokenPair> tokens;
  std::optional<MfaChallenge> challenge;
};

struct LoginRequest {
  std::string email;
  std::string password;
  bool remember_me = false;
};

// Password login. Wrong e-mail and wrong password fail the same way in the same time.
// Thread-safe.
class LoginService {
 public:
  LoginService(const AccountContext& context, MfaLogin& mfa);

  // A token pair, or — for an account with a second factor — a challenge to complete with
  // MfaLogin::CompleteLogin.
  Result<LoginOutcome> Login(const LoginRequest& request, const ClientInfo& client);

 private:
  AccountContext ctx_;
  MfaLogin& mfa_;
};

}  // namespace gatehouse
