#pragma once

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
#include "store/database.hpp"

namespace gatehouse {

class OutboxSender;

// What the account services (accounts, passwords, invitations) work with; owned by the
// Application.
struct AccountContext {
  Database& db;
  Cache& cache;
  PasswordHasher& hasher;
  TokenService& tokens;
  OutboxSender& outbox;
  const MessageTemplates& templates;
  const PasswordPolicy& policy;
  const Config& config;
  const Clock& clock;
};

// The normalized address, or kValidationFailed naming the 'email' field.
Result<std::string> RequireEmail(std::string_view raw);

// Counts one message of `kind` (e.g. "forgot-password") sent to `recipient` (an address, a
// phone number, a user id) this hour; kRateLimited with `detail` past `per_hour`. Counted
// whether or not the address has an account, so the limit reveals nothing. A cache failure
// does not block the message.
Status CountMessagesTo(Cache& cache, std::string_view kind, const std::string& recipient,
                       int per_hour, const char* detail);

}  // namespace gatehouse
