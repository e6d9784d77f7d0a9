#pragma once

#include <functional>

#include <string>
#include <string_view>

#include "http/message.hpp"
#include "http/router.hpp"

namespace gatehouse {

// The incoming X-Request-Id when it is sane (1-128 of [A-Za-z0-9._-]), else a new random id.
std::string RequestIdFor(std::string_view incoming);

// Routes `request` and runs its handler, turning 404/405 and escaped exceptions into
// problem+json. Adds the security headers every response carries.
Response Dispatch(const Router::Match& match, const Request& request);
// Runs `work`; an exception (a bug) becomes a logged 500 problem.
Response Guarded(const std::function<Response()>& work);

// Headers on every response, including the ones the server makes itself (413, 400, ...).
void AddStandardHeaders(Response& response, const std::string& request_id);

}  // namespace gatehouse
