#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/pg_rows.hpp"
#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for the users table. Functions take the connection (or transaction) to run on and
// throw on database errors; Database::Run turns those into Errors.
namespace user_store {

std::optional<UserRecord> FindByEmail(Connection& sql, const std::string& email);
std::optional<UserRecord> FindById(Connection& sql, const std::string& id);
// The owner of a session and the session's current access token, in one query.
std::optional<SessionOwner> FindBySession(Connection& sql, const std::string& session_id);
// The same inside a transaction that makes something hang on the session (a grant made in a
// sign-in session): the session cannot be deleted until the transaction ends, so whoever
// ends it finds what the transaction made.
std::optional<SessionOwner> LockSessionOwner(Connection& sql, const std::string& session_id);

// The same query for Database::QueryAsync (PostgreSQL, parameter $1: the session id), and
// its answer read from the text-format rows; nullopt when there is no such session.
extern const char* const kFindBySessionName;
const char* FindBySessionPostgres();
Result<std::optional<SessionOwner>> SessionOwnerFromRows(const std::vector<PgRow>& rows);
// False when the e-mail address is taken.
bool Insert(Connection& sql, const UserRecord& user);
// Writes the user's name, role and email_verified as `user` holds them, and updated_at.
void UpdateProfile(Connection& sql, const UserRecord& user);
// Disables the account at `at`, or enables it again (`at` 0).
void SetDisabled(Connection& sql, const std::string& user_id, std::int64_t at, std::int64_t now);
// Deletes the row; what hangs on it goes with it (ON DELETE CASCADE).
void Delete(Connection& sql, const std::string& user_id);
// Active (not disabled) administrators, but `except_user_id`.
int CountActiveAdminsExcept(Connection& sql, const std::string& except_user_id);

// What an administrator lists users by; every field left empty filters nothing.
struct UserFilter {
  std::string prefix;  // a SearchKey: the start of the e-mail address or of the name
  std::string role;
  std::optional<bool> disabled;
  std::optional<bool> email_verified;
  std::string after_email;  // the last e-mail of the previous page
  int limit = 50;
};
// Users by e-mail address (byte order), at most `limit` of them.
std::vector<UserRecord> List(Connection& sql, const UserFilter& filter);
// Records the user's confirmed second factors (UserRecord::second_factors).
void SetSecondFactors(Connection& sql, const std::string& user_id, const std::string& methods);
void MarkEmailVerified(Connection& sql, const std::string& user_id, std::int64_t now);
// Sets the user's address to `email` (normalized), verified; false when another account has it.
bool ChangeEmail(Connection& sql, const std::string& user_id, const std::string& email,
                 std::int64_t now);
void UpdatePasswordHash(Connection& sql, const std::string& user_id, const std::string& hash,
                        std::int64_t now);

}  // namespace user_store
}  // namespace gatehouse
