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
// Records the user's confirmed second factors (UserRecord::second_factors).
void SetSecondFactors(Connection& sql, const std::string& user_id, const std::string& methods);
void MarkEmailVerified(Connection& sql, const std::string& user_id, std::int64_t now);
void UpdatePasswordHash(Connection& sql, const std::string& user_id, const std::string& hash,
                        std::int64_t now);

}  // namespace user_store
}  // namespace gatehouse
