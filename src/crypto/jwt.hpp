#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/signing_key.hpp"

namespace gatehouse {

// Header `typ` values: an access token is never accepted where a refresh token is expected.
inline constexpr std::string_view kAccessTokenType = "at+jwt";
inline constexpr std::string_view kRefreshTokenType = "rt+jwt";

// The claims Gatehouse puts in its tokens.
struct TokenClaims {
  std::string issuer;            // iss
  std::string audience;          // aud
  std::string subject;           // sub: user id
  std::string session_id;        // sid
  std::string jwt_id;            // jti
  std::int64_t issued_at = 0;    // iat
  std::int64_t expires_at = 0;   // exp
  std::vector<std::string> amr;  // access tokens only: authentication methods
  std::string role;              // access tokens only
  // Tokens of a grant to an OpenID Connect client (RFC 9068): its id, which is also the
  // audience, and the scopes granted. Empty for Gatehouse's own tokens.
  std::string client_id;
  std::string scope;
};

// Signs `claims` as a compact JWS with header {alg, kid, typ}.
std::string SignJwt(const SigningKey& key, std::string_view typ, const TokenClaims& claims);
// Signs any JSON object text as a compact JWS with header {alg, kid, typ} (ID tokens, logout
// tokens).
std::string SignJws(const SigningKey& key, std::string_view typ, std::string_view payload_json);

// Whose a token must be: Gatehouse's own (aud = tokens.audience, no client_id), or a client's
// (a client_id claim, and aud equal to it).
enum class TokenAudience { kGatehouse, kClient };

struct JwtExpectations {
  JwsAlgorithm algorithm;  // the only algorithm accepted (allow-list of one)
  std::string_view type;   // required header typ
  std::string_view issuer;
  std::string_view audience;  // with TokenAudience::kGatehouse
  std::int64_t now = 0;
  std::int64_t leeway_seconds = 0;
  TokenAudience whose = TokenAudience::kGatehouse;
};

using KeyLookup = std::function<std::shared_ptr<const SigningKey>(std::string_view kid)>;

// The payload (a JSON object's text) of a compact JWS of header `typ`, whose signature holds
// under the key its `kid` names, an asymmetric key of the header's `alg`; no claim is checked
// (an ID token given back as a logout hint may have expired). kInvalidToken otherwise.
Result<std::string> VerifyJwsPayload(std::string_view token, const KeyLookup& keys,
                                     std::string_view typ);

// Verifies signature, header and registered claims. Any failure is kInvalidToken with the
// reason for the log. Thread-safe.
Result<TokenClaims> VerifyJwt(std::string_view token, const KeyLookup& keys,
                              const JwtExpectations& expect);

}  // namespace gatehouse
