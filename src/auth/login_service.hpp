#pragma once

#include <optional>
#include <string>

#include "auth/mfa_service.hpp"
#include "auth/token_service.hpp"
#include "config/config.hpp"
#include "crypto/password_hasher.hpp"
#include "store/database.hpp"

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
  LoginService(Database& db, PasswordHasher& hasher, TokenService& tokens, MfaService& mfa,
               const Config& config, const Clock& clock);

  // A token pair, or — for an account with a second factor — a challenge to complete with
  // MfaService::CompleteLogin.
  Result<LoginOutcome> Login(const LoginRequest& request, const ClientInfo& client);

 private:
  Database& db_;
  PasswordHasher& hasher_;
  TokenService& tokens_;
  MfaService& mfa_;
  const Config& config_;
  const Clock& clock_;
};

}  // namespace gatehouse
