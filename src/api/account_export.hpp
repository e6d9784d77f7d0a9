#pragma once

#include <nlohmann/json.hpp>

#include "api/services.hpp"
#include "auth/token_service.hpp"
#include "core/result.hpp"
#include "http/message.hpp"

namespace gatehouse {

// What Gatehouse holds about `caller`'s account (GDPR art. 15 and 20): profile, sessions,
// second factors without secrets, passkeys, connected apps and the security log, newest first.
// GET /v1/me/export (a bearer token) and the account center's download (the pages' cookies)
// answer with it, as ExportAttachment.
Result<nlohmann::json> AccountExport(Services& s, const AuthenticatedAccount& caller);

// `export_json` as the download gatehouse-export.json.
Response ExportAttachment(const nlohmann::json& export_json);

}  // namespace gatehouse
