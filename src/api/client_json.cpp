#include "api/client_json.hpp"

#include <nlohmann/json.hpp>

#include "core/time_format.hpp"

namespace gatehouse {

nlohmann::json ClientJson(const OAuthClientRecord& c) {
  return {{"client_id", c.id},
          {"name", c.name},
          {"public", c.is_public()},
          {"first_party", c.first_party},
          {"redirect_uris", c.redirect_uris},
          {"post_logout_redirect_uris", c.post_logout_redirect_uris},
          {"backchannel_logout_uri", c.backchannel_logout_uri.empty()
                                         ? nlohmann::json(nullptr)
                                         : nlohmann::json(c.backchannel_logout_uri)},
          {"grant_types", c.grant_types},
          {"token_endpoint_auth_method", c.is_public() ? "none" : "client_secret_basic"},
          {"id_token_signed_response_alg", c.id_token_algorithm},
          {"created_at", FormatRfc3339(c.created_at)}};
}

}  // namespace gatehouse
