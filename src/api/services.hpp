#pragma once

namespace gatehouse {

class AccountService;
class Cache;
class Database;
class KeyRing;
class LoginService;
class TokenService;

// The services handlers call; owned by the Application.
struct Services {
  AccountService& accounts;
  LoginService& login;
  TokenService& tokens;
  KeyRing& keys;
  Database& db;
  Cache& cache;
};

}  // namespace gatehouse
