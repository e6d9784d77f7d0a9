#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for passkeys and users' passkey handles; throws on database errors (see
// Database::Run).
namespace passkey_store {

// False when the credential ID is registered already (to anyone).
bool Insert(Connection& sql, const PasskeyRecord& passkey);
// The user's passkeys, oldest first.
std::vector<PasskeyRecord> OfUser(Connection& sql, const std::string& user_id);
int CountOf(Connection& sql, const std::string& user_id);
// The passkey with this credential ID (raw bytes), with its owner; prepared: every passkey
// sign-in runs it.
std::optional<PasskeyOwner> FindWithOwner(Connection& sql, const std::string& credential_id);
// After an accepted assertion: its counter and backup state, and when. Only if the stored
// counter is still `previous_count`, so that of two racing assertions with one counter
// value one wins; false for the other.
bool RecordUse(Connection& sql, const std::string& passkey_id, std::uint32_t previous_count,
               std::uint32_t sign_count, bool backed_up, std::int64_t now);
// False when the user has no such passkey.
bool Rename(Connection& sql, const std::string& user_id, const std::string& passkey_id,
            const std::string& name);
// The removed passkey's name; nothing when the user has no such passkey.
std::optional<std::string> Delete(Connection& sql, const std::string& user_id,
                                  const std::string& passkey_id);

// The user's handle (raw bytes), made and stored as `fresh` if the user has none yet.
std::string HandleOf(Connection& sql, const std::string& user_id, const std::string& fresh);

}  // namespace passkey_store
}  // namespace gatehouse
