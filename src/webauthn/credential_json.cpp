#include "webauthn/credential_json.hpp"

#include "crypto/random.hpp"
#include "webauthn/cose_key.hpp"

namespace gatehouse {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCredentialId = 1023;
constexpr std::size_t kMaxClientData = 4096;
constexpr std::size_t kMaxAttestationObject = 64 * 1024;
constexpr std::size_t kMaxAuthenticatorData = 1024;
constexpr std::size_t kMaxSignature = 1024;
constexpr std::size_t kMaxUserHandle = 64;
constexpr std::size_t kMaxTransports = 8;

Error Invalid(const std::string& member, const std::string& what) {
  return MakeError(Errc::kValidationFailed, "webauthn json: " + member,
                   "'" + member + "' " + what + ".");
}

// The member `name` of `object` decoded from base64url, at most `max_bytes` long (checked on
// the text first, so that nothing oversized is decoded).
Result<std::string> Binary(const json& object, const char* name, const std::string& path,
                           std::size_t max_bytes) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return Invalid(path, "must be a base64url string");
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > (max_bytes * 4 + 2) / 3) return Invalid(path, "is too long");
  auto decoded = Base64UrlDecode(text);
  if (!decoded || decoded->empty() || text.find('=') != std::string::npos) {
    return Invalid(path, "must be base64url without padding");
  }
  return std::move(*decoded);
}

// What both responses have — type, id and rawId, response and its clientDataJSON — read into
// `out`; the response object. `member` names the credential in errors.
template <typename Response>
Result<const json*> ReadCommonMembers(const json& credential, const std::string& member,
                                      Response& out) {
  if (!credential.is_object()) return Invalid(member, "must be an object");
  auto type = credential.find("type");
  if (type == credential.end() || *type != "public-key") {
    return Invalid(member + ".type", "must be \"public-key\"");
  }
  auto raw = Binary(credential, "rawId", member + ".rawId", kMaxCredentialId);
  if (!raw) return raw.error();
  auto id = credential.find("id");
  if (id == credential.end() || !id->is_string() || *id != Base64UrlEncode(*raw)) {
    return Invalid(member + ".id", "must be rawId in base64url");
  }
  auto response = credential.find("response");
  if (response == credential.end() || !response->is_object()) {
    return Invalid(member + ".response", "must be an object");
  }
  auto client =
      Binary(*response, "clientDataJSON", member + ".response.clientDataJSON", kMaxClientData);
  if (!client) return client.error();
  out.credential_id = std::move(*raw);
  out.client_data_json = std::move(*client);
  return &*response;
}

json Descriptors(const std::vector<std::string>& ids) {
  json list = json::array();
  for (const std::string& id : ids)
    list.push_back({{"type", "public-key"}, {"id", Base64UrlEncode(id)}});
  return list;
}

}  // namespace

Result<RegistrationResponse> ParseRegistrationResponse(const json& credential,
                                                       const std::string& member) {
  RegistrationResponse out;
  auto members = ReadCommonMembers(credential, member, out);
  if (!members) return members.error();
  const json& response = **members;
  auto object = Binary(response, "attestationObject", member + ".response.attestationObject",
                       kMaxAttestationObject);
  if (!object) return object.error();
  out.attestation_object = std::move(*object);
  if (auto transports = response.find("transports"); transports != response.end()) {
    std::string path = member + ".response.transports";
    if (!transports->is_array() || transports->size() > kMaxTransports) {
      return Invalid(path, "must be a short list of strings");
    }
    for (const json& t : *transports) {
      if (!t.is_string() || t.get_ref<const std::string&>().size() > 32) {
        return Invalid(path, "must be a short list of strings");
      }
      out.transports.push_back(t.get<std::string>());
    }
  }
  return out;
}

Result<AssertionResponse> ParseAssertionResponse(const json& credential,
                                                 const std::string& member) {
  AssertionResponse out;
  auto members = ReadCommonMembers(credential, member, out);
  if (!members) return members.error();
  const json& response = **members;
  auto data = Binary(response, "authenticatorData", member + ".response.authenticatorData",
                     kMaxAuthenticatorData);
  if (!data) return data.error();
  out.authenticator_data = std::move(*data);
  auto signature = Binary(response, "signature", member + ".response.signature", kMaxSignature);
  if (!signature) return signature.error();
  out.signature = std::move(*signature);
  if (auto handle = response.find("userHandle"); handle != response.end() && !handle->is_null()) {
    auto decoded = Binary(response, "userHandle", member + ".response.userHandle", kMaxUserHandle);
    if (!decoded) return decoded.error();
    out.user_handle = std::move(*decoded);
  }
  return out;
}

json CreationOptions(const RelyingParty& rp, std::string_view rp_name, const PasskeyUser& user,
                     std::string_view challenge, const std::vector<std::string>& exclude,
                     std::string_view attestation) {
  json algorithms = json::array();
  for (std::int64_t alg : {kCoseEdDSA, kCoseES256, kCoseRS256}) {
    algorithms.push_back({{"type", "public-key"}, {"alg", alg}});
  }
  return {{"rp", {{"id", rp.id}, {"name", rp_name}}},
          {"user",
           {{"id", Base64UrlEncode(user.handle)},
            {"name", user.name},
            {"displayName", user.display_name}}},
          {"challenge", Base64UrlEncode(challenge)},
          {"pubKeyCredParams", algorithms},
          {"timeout", kCeremonyTimeoutMs},
          {"excludeCredentials", Descriptors(exclude)},
          {"authenticatorSelection",
           {{"residentKey", "preferred"},
            {"requireResidentKey", false},
            {"userVerification", "preferred"}}},
          {"attestation", attestation}};
}

json RequestOptions(const RelyingParty& rp, std::string_view challenge,
                    const std::vector<std::string>& allow, std::string_view user_verification) {
  return {{"rpId", rp.id},
          {"challenge", Base64UrlEncode(challenge)},
          {"timeout", kCeremonyTimeoutMs},
          {"allowCredentials", Descriptors(allow)},
          {"userVerification", user_verification}};
}

}  // namespace gatehouse
