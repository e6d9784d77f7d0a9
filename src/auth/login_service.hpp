#pragma once

#include <string>

#include "auth/token_service.hpp"
#include "config/config.hpp"
#include "crypto/password_hasher.hpp"
#include "store/database.hpp"

namespace gatehouse {

struct LoginRequest {
  std::string email;
  std::string password;
  bool remember_me = false;
};

// Password login. Wrong e-mail and wrong password fail the same way in the same time.
// Thread-safe.
class LoginService {
 public:
  LoginService(Database& db, PasswordHasher& hasher, TokenService& tokens, const Config& config,
               const Clock& clock);

  Result<TokenPair> Login(const LoginRequest& request, const ClientInfo& client);

 private:
  Database& db_;
  PasswordHasher& hasher_;
  TokenService& tokens_;
  const Config& config_;
  const Clock& clock_;
};

}  // namespace gatehouse
