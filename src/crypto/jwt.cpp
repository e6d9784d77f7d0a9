#include "crypto/jwt.hpp"

#include <nlohmann/json.hpp>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTokenLength = std::size_t{8} * 1024;

Error Invalid(std::string reason) { return MakeError(Errc::kInvalidToken, std::move(reason)); }

// Parses a base64url JSON object; nullopt-like empty json on any defect.
std::optional<json> DecodeObject(std::string_view part) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return std::nullopt;
  json parsed = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return std::nullopt;
  return parsed;
}

const std::string* StringMember(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

std::optional<std::int64_t> IntegerMember(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

bool AudienceMatches(const json& payload, std::string_view audience) {
  auto it = payload.find("aud");
  if (it == payload.end()) return false;
  if (it->is_string()) return it->get_ref<const std::string&>() == audience;
  if (!it->is_array()) return false;
  for (const auto& a : *it) {
    if (a.is_string() && a.get_ref<const std::string&>() == audience) return true;
  }
  return false;
}

}  // namespace

std::string SignJwt(const SigningKey& key, std::string_view typ, const TokenClaims& claims) {
  json payload = {{"iss", claims.issuer},     {"aud", claims.audience}, {"sub", claims.subject},
                  {"sid", claims.session_id}, {"jti", claims.jwt_id},   {"iat", claims.issued_at},
                  {"exp", claims.expires_at}};
  if (!claims.amr.empty()) payload["amr"] = claims.amr;
  if (!claims.role.empty()) payload["roles"] = json::array({claims.role});
  if (!claims.client_id.empty()) payload["client_id"] = claims.client_id;
  if (!claims.scope.empty()) payload["scope"] = claims.scope;
  return SignJws(key, typ, payload.dump());
}

std::string SignJws(const SigningKey& key, std::string_view typ, std::string_view payload_json) {
  json header = {{"alg", AlgorithmName(key.algorithm())}, {"kid", key.kid()}, {"typ", typ}};
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload_json);
  std::string signature = key.Sign(input);
  return input + "." + Base64UrlEncode(signature);
}

Result<std::string> VerifyJwsPayload(std::string_view token, const KeyLookup& keys,
                                     std::string_view typ) {
  if (token.empty() || token.size() > kMaxTokenLength) return Invalid("token empty or too long");
  auto first = token.find('.');
  auto last = token.rfind('.');
  if (first == std::string_view::npos || first == last) return Invalid("not a compact JWS");
  std::string_view payload_part = token.substr(first + 1, last - first - 1);
  if (payload_part.find('.') != std::string_view::npos) return Invalid("too many segments");
  auto header = DecodeObject(token.substr(0, first));
  if (!header) return Invalid("header is not a base64url JSON object");
  const std::string* alg = StringMember(*header, "alg");
  const std::string* kid = StringMember(*header, "kid");
  const std::string* type = StringMember(*header, "typ");
  if (!alg || !kid || !type || *type != typ || header->contains("crit")) {
    return Invalid("bad header");
  }
  auto key = keys(*kid);
  if (!key || key->algorithm() == JwsAlgorithm::kHS256 || AlgorithmName(key->algorithm()) != *alg) {
    return Invalid("no such key for this algorithm");
  }
  auto signature = Base64UrlDecode(token.substr(last + 1));
  if (!signature || !key->Verify(token.substr(0, last), *signature))
    return Invalid("bad signature");
  auto payload = Base64UrlDecode(payload_part);
  if (!payload || !json::parse(*payload, nullptr, false).is_object()) {
    return Invalid("payload is not a JSON object");
  }
  return *payload;
}

Result<TokenClaims> VerifyJwt(std::string_view token, const KeyLookup& keys,
                              const JwtExpectations& expect) {
  if (token.empty() || token.size() > kMaxTokenLength) return Invalid("token empty or too long");
  auto first = token.find('.');
  auto last = token.rfind('.');
  if (first == std::string_view::npos || first == last) return Invalid("not a compact JWS");
  std::string_view header_part = token.substr(0, first);
  std::string_view payload_part = token.substr(first + 1, last - first - 1);
  std::string_view signature_part = token.substr(last + 1);
  if (payload_part.find('.') != std::string_view::npos) return Invalid("too many segments");

  auto header = DecodeObject(header_part);
  if (!header) return Invalid("header is not a base64url JSON object");
  const std::string* alg = StringMember(*header, "alg");
  // Allow-list of one: `none`, or any algorithm but the configured one (e.g. HS256 "signed"
  // with a public key), is refused before any key is touched.
  if (!alg || *alg != AlgorithmName(expect.algorithm)) return Invalid("algorithm not allowed");
  if (header->contains("crit")) return Invalid("critical header extensions are not supported");
  const std::string* typ = StringMember(*header, "typ");
  if (!typ || *typ != expect.type) return Invalid("wrong token type");
  const std::string* kid = StringMember(*header, "kid");
  if (!kid) return Invalid("no kid");
  auto key = keys(*kid);
  if (!key) return Invalid("unknown kid");
  if (key->algorithm() != expect.algorithm) return Invalid("key algorithm mismatch");

  auto signature = Base64UrlDecode(signature_part);
  if (!signature) return Invalid("signature is not base64url");
  if (!key->Verify(token.substr(0, last), *signature)) return Invalid("bad signature");

  auto payload = DecodeObject(payload_part);
  if (!payload) return Invalid("payload is not a base64url JSON object");
  const std::string* iss = StringMember(*payload, "iss");
  if (!iss || *iss != expect.issuer) return Invalid("wrong issuer");
  const std::string* client_id = StringMember(*payload, "client_id");
  if (expect.whose == TokenAudience::kClient) {
    if (!client_id || client_id->empty() || !AudienceMatches(*payload, *client_id)) {
      return Invalid("not a client's token");
    }
  } else if (client_id || !AudienceMatches(*payload, expect.audience)) {
    return Invalid("wrong audience");
  }
  auto exp = IntegerMember(*payload, "exp");
  auto iat = IntegerMember(*payload, "iat");
  if (!exp || !iat) return Invalid("exp or iat missing");
  if (*exp + expect.leeway_seconds <= expect.now) return Invalid("expired");
  if (*iat > expect.now + expect.leeway_seconds) return Invalid("issued in the future");
  if (payload->contains("nbf")) {
    auto nbf = IntegerMember(*payload, "nbf");
    if (!nbf || *nbf > expect.now + expect.leeway_seconds) return Invalid("not yet valid");
  }
  const std::string* sub = StringMember(*payload, "sub");
  const std::string* sid = StringMember(*payload, "sid");
  const std::string* jti = StringMember(*payload, "jti");
  if (!sub || !sid || !jti || sub->empty() || sid->empty() || jti->empty()) {
    return Invalid("sub, sid or jti missing");
  }

  TokenClaims claims;
  claims.issuer = *iss;
  claims.audience = client_id ? *client_id : std::string(expect.audience);
  if (client_id) claims.client_id = *client_id;
  if (const std::string* scope = StringMember(*payload, "scope")) claims.scope = *scope;
  claims.subject = *sub;
  claims.session_id = *sid;
  claims.jwt_id = *jti;
  claims.issued_at = *iat;
  claims.expires_at = *exp;
  if (auto amr = payload->find("amr"); amr != payload->end() && amr->is_array()) {
    for (const auto& m : *amr) {
      if (m.is_string()) claims.amr.push_back(m.get<std::string>());
    }
  }
  if (auto roles = payload->find("roles");
      roles != payload->end() && roles->is_array() && !roles->empty() && (*roles)[0].is_string()) {
    claims.role = (*roles)[0].get<std::string>();
  }
  return claims;
}

}  // namespace gatehouse
