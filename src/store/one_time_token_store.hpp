#pragma once

#include <optional>
#include <string>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// What a one-time token may be used for; a token never works for another purpose.
namespace token_purpose {
inline constexpr const char* kVerifyEmailLink = "verify_email_link";
inline constexpr const char* kVerifyEmailCode = "verify_email_code";
inline constexpr const char* kResetPassword = "reset_password";
}  // namespace token_purpose

// SQL for one_time_tokens; throws on database errors (see Database::Run).
namespace one_time_token_store {

void Insert(Connection& sql, const OneTimeTokenRecord& token);
std::optional<OneTimeTokenRecord> FindBySecretHash(Connection& sql, const std::string& purpose,
                                                   const std::string& secret_hash);
// The newest unused token of `purpose` for the user, if any.
std::optional<OneTimeTokenRecord> FindLatestUnused(Connection& sql, const std::string& user_id,
                                                   const std::string& purpose);
// Counts a wrong guess; returns the new attempt count.
int AddAttempt(Connection& sql, const std::string& id);
// Marks the token used; false if it was already used (single use, race-safe).
bool MarkUsed(Connection& sql, const std::string& id, std::int64_t now);
// Voids every unused token of `purpose` for the user (e.g. when a new one is issued).
void VoidUnused(Connection& sql, const std::string& user_id, const std::string& purpose,
                std::int64_t now);

}  // namespace one_time_token_store
}  // namespace gatehouse
