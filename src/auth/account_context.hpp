#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "auth/password_policy.hpp"
#include "auth/token_service.hpp"
#include "cache/cache.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "crypto/password_hasher.hpp"
#include "notify/templates.hpp"
#include "protect/attempt_throttle.hpp"
#include "protect/rate_limiter.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace gatehouse {

class OutboxSender;
class SecurityLog;

// What the account services (accounts, passwords, invitations) work with; owned by the
// Application.
struct AccountContext {
  Database& db;
  Cache& cache;
  RateLimiter& limiter;
  AttemptThrottle& attempts;
  PasswordHasher& hasher;
  TokenService& tokens;
  OutboxSender& outbox;
  const MessageTemplates& templates;
  const PasswordPolicy& policy;
  const Config& config;
  const Clock& clock;
  const SecurityLog& security_log;
};

// The normalized address, or kValidationFailed naming the 'email' field.
Result<std::string> RequireEmail(std::string_view raw);

// The user `user_id` if `matches` finds that what they gave (a password, a code) is theirs:
// `wrong` if not, kTokenRevoked when the user is gone, kRateLimited while the account's
// brute-force delay runs (each check counts as an attempt; a right one starts the count again).
Result<UserRecord> CheckProofOf(const AccountContext& ctx, const std::string& user_id,
                                const std::function<Result<bool>(const UserRecord&)>& matches,
                                const Error& wrong);

// CheckProofOf for a password: the user `user_id` if `password` is theirs: kInvalidCredentials if
// not, kTokenRevoked when the user is gone, kRateLimited while the account's brute-force delay runs
// (each check counts as an attempt; a right password starts the count again).
Result<UserRecord> CheckPasswordOf(const AccountContext& ctx, const std::string& user_id,
                                   const std::string& password);

// Queues to `user` the e-mail of `kind` (kPasswordReset, kAccountCreated) with a new password
// reset link, valid accounts.reset_link_ttl_seconds, in the caller's transaction `sql`.
void QueuePasswordLink(const AccountContext& ctx, Connection& sql, const UserRecord& user,
                       MessageKind kind, std::int64_t now);

}  // namespace gatehouse
