#pragma once

namespace gatehouse {

class AccountService;
class AuthorizationService;
class Cache;
class ClientRegistry;
class Database;
class InvitationService;
class KeyRing;
class LoginService;
class MfaEnrolment;
class MfaLogin;
class PasskeyEnrolment;
class PasskeySignIn;
class PasswordService;
class EmailChangeService;
class Cors;
class RateLimiter;
class ReturnUrls;
class SecurityLog;
struct Config;
class SessionService;
class SignInAlerts;
class TokenService;
class UserAdministration;
class WebhookService;

// The services handlers call; owned by the Application.
struct Services {
  AccountService& accounts;
  LoginService& login;
  MfaEnrolment& second_factors;  // the account center's
  MfaLogin& mfa_login;           // the sign-in step
  PasskeyEnrolment& passkeys;    // the account center's
  PasskeySignIn& passkey_sign_in;
  PasswordService& passwords;
  EmailChangeService& email_changes;
  SignInAlerts& sign_in_alerts;  // the "this wasn't me" link
  InvitationService& invitations;
  UserAdministration& users;  // the administrators'
  SessionService& sessions;
  const SecurityLog& security_log;
  WebhookService& webhooks;  // the administrators'
  ClientRegistry& clients;
  AuthorizationService& authorizations;
  TokenService& tokens;
  KeyRing& keys;
  Database& db;
  Cache& cache;
  RateLimiter& limiter;
  const Cors& cors;
  const Config& config;
  const ReturnUrls* return_urls = nullptr;  // where sign-ins may return; with the pages only
};

}  // namespace gatehouse
