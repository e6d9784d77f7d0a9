#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for second factors, recovery codes and login challenges; throws on database errors
// (see Database::Run).
namespace mfa_store {

std::vector<MfaFactorRecord> Factors(Connection& sql, const std::string& user_id);
// Adds or replaces the user's factor of that method (a new enrolment restarts as pending).
void PutFactor(Connection& sql, const MfaFactorRecord& factor);
// Marks a pending factor confirmed; false when it was not pending.
bool ConfirmFactor(Connection& sql, const std::string& user_id, FactorMethod method,
                   std::int64_t now);
// Stores the step of an accepted TOTP code, only if it is above the one stored: false when
// another request accepted this or a later code first (a replay race).
bool AdvanceCounter(Connection& sql, const std::string& user_id, std::uint64_t counter);
// False when the user had no factor of that method.
bool DeleteFactor(Connection& sql, const std::string& user_id, FactorMethod method);

// Replaces the user's recovery codes with these hashes.
void ReplaceRecoveryCodes(Connection& sql, const std::string& user_id,
                          const std::vector<std::string>& code_hashes, std::int64_t now);
// Uses the unused code with this hash; false when there is none (wrong or used).
bool UseRecoveryCode(Connection& sql, const std::string& user_id, const std::string& code_hash,
                     std::int64_t now);
int RecoveryCodesLeft(Connection& sql, const std::string& user_id);
void DeleteRecoveryCodes(Connection& sql, const std::string& user_id);

void InsertChallenge(Connection& sql, const MfaChallengeRecord& challenge, std::int64_t now);
std::optional<MfaChallengeRecord> FindChallenge(Connection& sql, const std::string& token_hash);
// Counts an attempt on a live challenge; false when it is used, expired or out of attempts.
bool CountAttempt(Connection& sql, const std::string& token_hash, int max_attempts,
                  std::int64_t now);
// Uses the challenge up; false when it already was (single use, race-safe).
bool UseChallenge(Connection& sql, const std::string& token_hash, std::int64_t now);
// Stores the hash of a code just sent for `method`, replacing the previous one.
void PutCode(Connection& sql, const std::string& user_id, FactorMethod method,
             const std::string& code_hash, std::int64_t expires_at, std::int64_t now);
// Counts a guess at the live code of `method`, then uses it up if `code_hash` matches. False
// for a wrong, expired or exhausted code; the count stays either way (commit the
// transaction), so parallel guesses cannot exceed `max_attempts`.
bool UseCode(Connection& sql, const std::string& user_id, FactorMethod method,
             const std::string& code_hash, int max_attempts, std::int64_t now);
void DeleteCode(Connection& sql, const std::string& user_id, FactorMethod method);

// Deletes challenges and codes that expired before `now`; returns how many.
long long DeleteExpired(Connection& sql, std::int64_t now);

}  // namespace mfa_store
}  // namespace gatehouse
