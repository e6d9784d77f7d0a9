#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse {

class Connection;

// SQL for known_devices: the devices (browser and system) and countries an account signed in
// from, and when last. Throws on database errors (see Database::Run).
namespace known_device_store {

struct DeviceHistory {
  bool any = false;                       // the account signed in from somewhere before
  std::optional<std::int64_t> last_seen;  // when from this device and country, if ever
};

DeviceHistory Find(Connection& sql, const std::string& user_id, const std::string& device,
                   const std::string& country);
// Records a sign-in from `device` and `country` at `now`.
void Touch(Connection& sql, const std::string& user_id, const std::string& device,
           const std::string& country, std::int64_t now);
// Deletes what was last seen before `cutoff` but each account's latest, which still tells that
// the account signed in before (no sign-in after a long absence counts as the first); returns
// how many.
long long DeleteUnseenSince(Connection& sql, std::int64_t cutoff);

}  // namespace known_device_store
}  // namespace gatehouse
