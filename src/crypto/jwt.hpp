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
};

// Signs `claims` as a compact JWS with header {alg, kid, typ}.
std::string SignJwt(const SigningKey& key, std::string_view typ, const TokenClaims& claims);

struct JwtExpectations {
  JwsAlgorithm algorithm;  // the only algorithm accepted (allow-list of one)
  std::string_view type;   // required header typ
  std::string_view issuer;
  std::string_view audience;
  std::int64_t now = 0;
  std::int64_t leeway_seconds = 0;
};

using KeyLookup = std::function<std::shared_ptr<const SigningKey>(std::string_view kid)>;

// Verifies signature, header and registered claims. Any failure is kInvalidToken with the
// reason for the log. Thread-safe.
Result<TokenClaims> VerifyJwt(std::string_view token, const KeyLookup& keys,
                              const JwtExpectations& expect);

}  // namespace gatehouse
