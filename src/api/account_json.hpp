#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "auth/mfa_enrolment.hpp"
#include "auth/session_service.hpp"
#include "store/records.hpp"

namespace gatehouse {

// A user's things as docs/api.md shows them to the user: their routes answer with these, and
// GET /v1/me/export with all of them.

// SessionView; `current_session_id` is marked current.
nlohmann::json SessionJson(const SessionView& view, const std::string& current_session_id);
nlohmann::json PasskeyJson(const PasskeyRecord& passkey);
// GET /v1/me/mfa: which second factors are on (no secret).
nlohmann::json MfaStatusJson(const MfaStatus& status);
// SecurityEvent. `for_owner`: the account's own log, which shows that an administrator acted
// but not from where.
nlohmann::json SecurityEventJson(const EventRecord& event, bool for_owner);

}  // namespace gatehouse
