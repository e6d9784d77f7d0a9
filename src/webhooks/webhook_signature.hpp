#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// Standard Webhooks (standardwebhooks.com) signing. An endpoint's secret is shown as
// "whsec_" + base64 of its bytes; each delivery carries webhook-id, webhook-timestamp (Unix
// seconds of the attempt) and webhook-signature "v1," + base64 of HMAC-SHA256 under the
// secret's bytes of "{id}.{timestamp}.{body}".

// A new secret's text form (24 random bytes, as the specification suggests 24 to 64).
std::string NewWebhookSecret();
// The bytes of a secret in its text form; nullopt when it is not "whsec_" + base64.
std::optional<std::string> WebhookSecretBytes(std::string_view secret);
// The webhook-signature header value.
std::string WebhookSignature(std::string_view secret_bytes, std::string_view message_id,
                             std::int64_t timestamp, std::string_view body);

}  // namespace gatehouse
