#include "webauthn/ceremony.hpp"

#include <algorithm>

#include "crypto/random.hpp"
#include "webauthn/authenticator_data.hpp"
#include "webauthn/cbor.hpp"
#include "webauthn/client_data.hpp"
#include "webauthn/cose_key.hpp"
#include "webauthn/packed_attestation.hpp"

namespace gatehouse {
namespace {

Error Refused(std::string check) {
  return MakeError(Errc::kValidationFailed, "webauthn: " + std::move(check),
                   "The authenticator's response was not accepted.");
}

// §7.1 steps 5-10 and §7.2 steps 9-14: what the browser says about the ceremony. A response
// from a cross-origin iframe is refused: Gatehouse's pages are never framed (CSP
// frame-ancestors 'none').
Status CheckClientData(const RelyingParty& rp, const ClientData& data, std::string_view type,
                       std::string_view challenge) {
  if (data.type != type) return Refused("client data type is " + data.type);
  if (data.challenge.empty() || data.challenge != challenge) {
    return Refused("another challenge");
  }
  if (std::find(rp.origins.begin(), rp.origins.end(), data.origin) == rp.origins.end()) {
    return Refused("origin " + data.origin + " is not this site's");
  }
  if (data.cross_origin || data.top_origin) return Refused("a cross-origin frame");
  return Ok{};
}

// §7.1 steps 13-15 and §7.2 steps 15-17.
Status CheckFlags(const RelyingParty& rp, const AuthenticatorData& data,
                  bool user_verification_required) {
  if (data.rp_id_hash != Sha256(rp.id)) return Refused("another RP ID");
  if (!data.user_present) return Refused("the user was not present");
  if (user_verification_required && !data.user_verified) {
    return Refused("the user was not verified");
  }
  return Ok{};
}

std::optional<std::int64_t> CoseAlgorithm(std::string_view cose_key) {
  auto key = DecodeCbor(cose_key);
  const CborValue* alg = key ? key->Find(3) : nullptr;
  if (!alg || !alg->IsInteger()) return std::nullopt;
  return alg->integer;
}

}  // namespace

Result<NewCredential> VerifyRegistration(const RelyingParty& rp,
                                         const RegistrationExpectation& expected,
                                         std::string_view client_data_json,
                                         std::string_view attestation_object) {
  auto client_data = ParseClientData(client_data_json);
  if (!client_data) return Refused("client data is malformed");
  return VerifyRegistration(rp, expected, *client_data, client_data_json, attestation_object);
}

Result<NewCredential> VerifyRegistration(const RelyingParty& rp,
                                         const RegistrationExpectation& expected,
                                         const ClientData& client_data,
                                         std::string_view client_data_json,
                                         std::string_view attestation_object) {
  if (Status ok = CheckClientData(rp, client_data, "webauthn.create", expected.challenge); !ok) {
    return ok.error();
  }
  auto object = DecodeCbor(attestation_object);  // step 12
  if (!object || !object->IsMap()) return Refused("attestation object is malformed");
  const CborValue* fmt = object->Find("fmt");
  const CborValue* auth_data = object->Find("authData");
  const CborValue* statement = object->Find("attStmt");
  if (!fmt || !fmt->IsText() || !auth_data || !auth_data->IsBytes() || !statement ||
      !statement->IsMap()) {
    return Refused("attestation object lacks fmt, authData or attStmt");
  }
  auto data = ParseAuthenticatorData(auth_data->bytes);
  if (!data) return Refused("authenticator data is malformed");
  if (!data->attested) return Refused("no attested credential");
  if (Status ok = CheckFlags(rp, *data, expected.user_verification_required); !ok) {
    return ok.error();
  }
  // Step 19: one of the algorithms the options offered, with a key Gatehouse can use.
  auto algorithm = CoseAlgorithm(data->attested->public_key);
  auto key = CoseKeyToSigningKey(data->attested->public_key);
  if (!algorithm || !key) return Refused("an unsupported credential public key");
  // Steps 21-22: the attestation statement over authData || SHA-256(clientDataJSON).
  std::string signed_bytes = auth_data->bytes + Sha256(client_data_json);
  if (fmt->bytes == "none") {
    if (!statement->entries.empty()) return Refused("a none attestation with a statement");
  } else if (fmt->bytes == "packed") {
    if (Status ok = VerifyPackedAttestation(*statement, signed_bytes, *algorithm, **key,
                                            data->attested->aaguid);
        !ok) {
      return ok.error();
    }
  } else {
    return Refused("attestation format " + fmt->bytes);
  }
  NewCredential credential;
  credential.credential_id = data->attested->credential_id;
  credential.public_key = data->attested->public_key;
  credential.algorithm = *algorithm;
  credential.aaguid = data->attested->aaguid;
  credential.sign_count = data->sign_count;
  credential.user_verified = data->user_verified;
  credential.backup_eligible = data->backup_eligible;
  credential.backed_up = data->backed_up;
  credential.attestation_format = fmt->bytes;
  if (const CborValue* x5c = statement->Find("x5c")) {  // packed: checked above
    for (const CborValue& certificate : x5c->items) {
      if (certificate.IsBytes()) credential.attestation_chain.push_back(certificate.bytes);
    }
  }
  return credential;
}

Result<VerifiedAssertion> VerifyAssertion(const RelyingParty& rp,
                                          const AssertionExpectation& expected,
                                          const KnownCredential& credential,
                                          std::string_view client_data_json,
                                          std::string_view authenticator_data,
                                          std::string_view signature) {
  auto client_data = ParseClientData(client_data_json);
  if (!client_data) return Refused("client data is malformed");
  return VerifyAssertion(rp, expected, credential, *client_data, client_data_json,
                         authenticator_data, signature);
}

Result<VerifiedAssertion> VerifyAssertion(
    const RelyingParty& rp, const AssertionExpectation& expected, const KnownCredential& credential,
    const ClientData& client_data, std::string_view client_data_json,
    std::string_view authenticator_data, std::string_view signature) {
  if (Status ok = CheckClientData(rp, client_data, "webauthn.get", expected.challenge); !ok) {
    return ok.error();
  }
  auto data = ParseAuthenticatorData(authenticator_data);
  if (!data || data->attested) return Refused("authenticator data is malformed");
  if (Status ok = CheckFlags(rp, *data, expected.user_verification_required); !ok) {
    return ok.error();
  }
  // Step 18: whether a credential may be backed up is fixed when it is made.
  if (data->backup_eligible != credential.backup_eligible) {
    return Refused("the backup eligibility changed");
  }
  std::shared_ptr<const SigningKey> key = credential.key;
  if (!key) {
    auto parsed = CoseKeyToSigningKey(credential.public_key);
    if (!parsed) return Refused("the stored public key does not parse");
    key = std::move(*parsed);
  }
  std::string signed_bytes = std::string(authenticator_data) + Sha256(client_data_json);
  if (!key->VerifyDer(signed_bytes, signature)) return Refused("a wrong signature");
  // Step 22: a counter that does not grow means two authenticators hold the key.
  if ((data->sign_count != 0 || credential.sign_count != 0) &&
      data->sign_count <= credential.sign_count) {
    return Refused("the signature counter did not grow (a cloned authenticator?)");
  }
  return VerifiedAssertion{data->sign_count, data->user_verified, data->backed_up};
}

}  // namespace gatehouse
