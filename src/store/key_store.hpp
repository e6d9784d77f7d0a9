#pragma once

#include <string>
#include <vector>

#include "store/records.hpp"

namespace soci {
class session;
}

namespace gatehouse {

// SQL for signing_keys; throws on database errors (see Database::Run).
namespace key_store {

void Insert(soci::session& sql, const SigningKeyRecord& key);
// Keys still published at `now` (not retired, or retired but inside publish_until), newest first.
std::vector<SigningKeyRecord> ListPublished(soci::session& sql, std::int64_t now);
// Retires every signing key of `algorithm` except `keep_kid`; each stays published until
// `publish_until` so tokens it signed keep verifying.
void RetireOthers(soci::session& sql, const std::string& algorithm, const std::string& keep_kid,
                  std::int64_t now, std::int64_t publish_until);

}  // namespace key_store
}  // namespace gatehouse
