#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "store/records.hpp"
#include "ui/page_support.hpp"

namespace gatehouse {

// The security log's events as the account center shows them to their owner (the
// security_events partial): what happened in the visitor's language ("Signed in · passkey"),
// when, and from which device, place and address, except for what an administrator did,
// which shows that an administrator did it but not from where.
nlohmann::json SecurityEventsView(const PageServices& pages, const Request& request,
                                  const std::vector<EventRecord>& events);

}  // namespace gatehouse
