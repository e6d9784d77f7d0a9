#pragma once

#include <optional>
#include <string>

#include "store/records.hpp"

namespace soci {
class session;
}

namespace gatehouse {

// SQL for the users table. Functions take the connection (or transaction) to run on and
// throw on database errors; Database::Run turns those into Errors.
namespace user_store {

std::optional<UserRecord> FindByEmail(soci::session& sql, const std::string& email);
std::optional<UserRecord> FindById(soci::session& sql, const std::string& id);
// False when the e-mail address is taken.
bool Insert(soci::session& sql, const UserRecord& user);
// Records the user's confirmed second factors (UserRecord::second_factors).
void SetSecondFactors(soci::session& sql, const std::string& user_id, const std::string& methods);
void MarkEmailVerified(soci::session& sql, const std::string& user_id, std::int64_t now);
void UpdatePasswordHash(soci::session& sql, const std::string& user_id, const std::string& hash,
                        std::int64_t now);

}  // namespace user_store
}  // namespace gatehouse
