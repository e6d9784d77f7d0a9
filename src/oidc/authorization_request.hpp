#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.hpp"
#include "store/records.hpp"

namespace gatehouse {

// An authorization request (OpenID Connect Core §3.1.2.1) that passed every check.
struct AuthorizationRequest {
  OAuthClientRecord client;
  std::string redirect_uri;  // as sent: one of the client's, byte for byte (or a loopback port)
  std::string scope;         // the grantable scopes asked for, openid among them
  std::string state;         // echoed exactly; may be empty
  std::string nonce;
  std::string code_challenge;  // PKCE S256; empty when none was sent (confidential clients)
  bool prompt_none = false;
  bool prompt_login = false;
  bool prompt_consent = false;
  std::optional<std::int64_t> max_age;
  std::string login_hint;
};

// A refused authorization request. Until the client and the redirect URI are known good the
// browser is never sent back to it (RFC 6749 §4.1.2.1): then `redirect_uri` is empty and the
// person sees an error page.
struct AuthorizationRefusal {
  std::string error;        // RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6 codes
  std::string description;  // for the page or error_description
  std::string redirect_uri;
  std::string state;
};

// The client of a client_id: nullopt when there is none.
using ClientLookup =
    std::function<Result<std::optional<OAuthClientRecord>>(std::string_view client_id)>;

// Checks the query of GET /oauth2/authorize. An Error only when the client cannot be looked up
// (the database is down).
Result<std::variant<AuthorizationRequest, AuthorizationRefusal>> ParseAuthorizationRequest(
    std::string_view query, const ClientLookup& find_client);

// The redirect that answers an authorization request: `redirect_uri` with `parameters` added
// to its query (RFC 6749 §4.1.2), each percent-encoded.
std::string RedirectWith(std::string_view redirect_uri,
                         const std::vector<std::pair<std::string, std::string>>& parameters);

}  // namespace gatehouse
