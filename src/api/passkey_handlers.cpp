#include <nlohmann/json.hpp>

#include "api/account_json.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/mfa_login.hpp"
#include "auth/passkey_enrolment.hpp"
#include "auth/passkey_sign_in.hpp"
#include "core/comma_list.hpp"
#include "core/time_format.hpp"

namespace gatehouse {
namespace {

// Names are checked by the service; this only keeps absurd input away from it.
constexpr std::size_t kMaxPasskeyNameFieldBytes = 4 * PasskeyEnrolment::kMaxNameCharacters;

// POST /v1/me/passkeys/options {password}
Response CreationOptions(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(options, s.passkeys.CreationOptions(caller, password));
  return JsonResponse(200, options);
}

// POST /v1/me/passkeys {credential, name?}
Response Register(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(credential_json, body.RequiredObject("credential"));
  GH_TRY(name, body.OptionalString("name", kMaxPasskeyNameFieldBytes));
  GH_TRY(credential, ParseRegistrationResponse(*credential_json, "credential"));
  GH_TRY(added, s.passkeys.Register(caller, credential, name));
  nlohmann::json out = {{"passkey_id", added.passkey.id},
                        {"name", added.passkey.name},
                        {"created_at", FormatRfc3339(added.passkey.created_at)}};
  if (!added.recovery_codes.empty()) out["recovery_codes"] = added.recovery_codes;
  Response response = JsonResponse(201, out);
  response.SetHeader("Location", "/v1/me/passkeys/" + added.passkey.id);
  return response;
}

Response List(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(passkeys, s.passkeys.List(caller.user_id));
  nlohmann::json list = nlohmann::json::array();
  for (const PasskeyRecord& p : passkeys) list.push_back(PasskeyJson(p));
  return JsonResponse(200, {{"passkeys", list}});
}

// PATCH /v1/me/passkeys/{passkey_id} {name}
Response Rename(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(name, body.RequiredString("name", kMaxPasskeyNameFieldBytes));
  Status renamed = s.passkeys.Rename(caller, params.at("passkey_id"), name);
  if (!renamed) return ProblemResponse(renamed.error());
  return Response::NoContent();
}

// DELETE /v1/me/passkeys/{passkey_id} {password} or {code}
Response Remove(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.OptionalString("password", kMaxPasswordFieldBytes));
  GH_TRY(code, body.OptionalString("code", kMaxCodeBytes));
  if (password.empty() == code.empty()) {
    return ProblemResponse(MakeError(Errc::kValidationFailed, "password or code",
                                     "Give either 'password' or 'code' (from the authenticator "
                                     "app), not both."));
  }
  PresenceProof proof{PresenceProof::Kind::kPassword, password};
  if (!code.empty()) proof = {PresenceProof::Kind::kTotpCode, code};
  Status removed = s.passkeys.Remove(caller, params.at("passkey_id"), proof);
  if (!removed) return ProblemResponse(removed.error());
  return Response::NoContent();
}

// POST /v1/auth/passkey/options {email?}
Response SignInOptions(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(email, body.OptionalString("email", kMaxEmailFieldBytes));
  std::optional<std::string> named;
  if (body.Has("email") && !email.empty()) named = email;
  GH_TRY(options, s.passkey_sign_in.Options(named));
  return JsonResponse(200, options);
}

// POST /v1/auth/passkey {assertion, remember_me?}
Response SignIn(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(assertion_json, body.RequiredObject("assertion"));
  GH_TRY(remember_me, body.OptionalBool("remember_me", false));
  GH_TRY(assertion, ParseAssertionResponse(*assertion_json, "assertion"));
  GH_TRY(pair, s.passkey_sign_in.SignIn(assertion, remember_me, ClientOf(request)));
  return TokenPairResponse(s, pair);
}

// POST /v1/auth/login/mfa/options {mfa_token}
Response SecondFactorOptions(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(token, body.RequiredString("mfa_token", kMaxTokenFieldBytes));
  GH_TRY(options, s.mfa_login.PasskeyOptions(token));
  return JsonResponse(200, options);
}

}  // namespace

void AddPasskeyRoutes(Router& router, Services& s) {
  router.Add("POST", "/v1/me/passkeys/options", Bind(s, CreationOptions));
  router.Add("POST", "/v1/me/passkeys", Bind(s, Register));
  router.Add("GET", "/v1/me/passkeys", Bind(s, List));
  router.Add("PATCH", "/v1/me/passkeys/{passkey_id}", Bind(s, Rename));
  router.Add("DELETE", "/v1/me/passkeys/{passkey_id}", Bind(s, Remove));
  router.Add("POST", "/v1/auth/passkey/options", Bind(s, SignInOptions), Execution::kStorage);
  router.Add("POST", "/v1/auth/passkey", Bind(s, SignIn), Execution::kStorage);
  router.Add("POST", "/v1/auth/login/mfa/options", Bind(s, SecondFactorOptions));
}

}  // namespace gatehouse
