#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "webauthn/ceremony.hpp"

namespace gatehouse {

// The JSON forms of WebAuthn Level 3 §5.1.8 (PublicKeyCredential.toJSON() and
// parseCreationOptionsFromJSON / parseRequestOptionsFromJSON): what the API and the pages'
// script exchange with the browser. Binary members are base64url without padding.

// A registration's response (RegistrationResponseJSON), decoded.
struct RegistrationResponse {
  std::string credential_id;
  std::string client_data_json;
  std::string attestation_object;
  std::vector<std::string> transports;  // "internal", "usb", "hybrid", …; hints only
};

// An assertion's response (AuthenticationResponseJSON), decoded.
struct AssertionResponse {
  std::string credential_id;
  std::string client_data_json;
  std::string authenticator_data;
  std::string signature;
  std::optional<std::string> user_handle;  // set by discoverable credentials
};

// `member` is the request's member holding the credential ("credential", "assertion"), as
// errors name it. kValidationFailed naming the member for anything else: a type other than
// "public-key", an id that is not rawId's base64url, a member missing, of the wrong type, not
// base64url or over its size (credential ID 1023 bytes, client data 4 KiB, attestation object 64
// KiB, authenticator data and signature 1 KiB, user handle 64 bytes).
Result<RegistrationResponse> ParseRegistrationResponse(const nlohmann::json& credential,
                                                       const std::string& member = "credential");
Result<AssertionResponse> ParseAssertionResponse(const nlohmann::json& credential,
                                                 const std::string& member = "assertion");

// Who a new credential is for.
struct PasskeyUser {
  std::string handle;        // random bytes, never the e-mail address (§14.6.1)
  std::string name;          // the e-mail address, as the authenticator shows it
  std::string display_name;  // the person's name, or the address
};

inline constexpr int kCeremonyTimeoutMs = 5 * 60 * 1000;

// PublicKeyCredentialCreationOptionsJSON: EdDSA, ES256 and RS256 in that order, a
// discoverable credential and user verification preferred, `exclude` (credential IDs the
// user has) excluded, no attestation asked for unless `attestation` is "direct".
nlohmann::json CreationOptions(const RelyingParty& rp, std::string_view rp_name,
                               const PasskeyUser& user, std::string_view challenge,
                               const std::vector<std::string>& exclude,
                               std::string_view attestation = "none");
// PublicKeyCredentialRequestOptionsJSON: `allow` empty for a discoverable credential;
// `user_verification` "preferred" or "required".
nlohmann::json RequestOptions(const RelyingParty& rp, std::string_view challenge,
                              const std::vector<std::string>& allow,
                              std::string_view user_verification = "preferred");

}  // namespace gatehouse
