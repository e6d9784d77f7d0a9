#pragma once

#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for signing_keys; throws on database errors (see Database::Run).
namespace key_store {

void Insert(Connection& sql, const SigningKeyRecord& key);
// Keys still published at `now` (not retired, or retired but inside publish_until), newest first.
std::vector<SigningKeyRecord> ListPublished(Connection& sql, std::int64_t now);
// Retires every signing key of `algorithm` except `keep_kid`; each stays published until
// `publish_until` so tokens it signed keep verifying.
void RetireOthers(Connection& sql, const std::string& algorithm, const std::string& keep_kid,
                  std::int64_t now, std::int64_t publish_until);

}  // namespace key_store
}  // namespace gatehouse
