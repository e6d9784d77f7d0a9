#pragma once

#include <nlohmann/json_fwd.hpp>

#include "store/records.hpp"

namespace gatehouse {

// A client as docs/api.md shows it (GET /v1/clients, `gatehouse client list`); never its
// secret or the secret's hash.
nlohmann::json ClientJson(const OAuthClientRecord& client);

}  // namespace gatehouse
