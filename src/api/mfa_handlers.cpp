#include <nlohmann/json.hpp>

#include "api/account_json.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/mfa_enrolment.hpp"
#include "auth/mfa_login.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxPhoneBytes = 32;

Response CodesResponse(const std::vector<std::string>& codes) {
  return JsonResponse(200, {{"recovery_codes", codes}});
}

// A confirmed factor: the recovery codes when it was the first one, else an empty object.
Response ConfirmedResponse(const std::vector<std::string>& codes) {
  if (codes.empty()) return JsonResponse(200, nlohmann::json::object());
  return CodesResponse(codes);
}

Response SentResponse(const CodeSent& sent) {
  return JsonResponse(202, {{"sent_to", sent.sent_to}});
}

Response Overview(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(status, s.second_factors.Overview(caller.user_id));
  return JsonResponse(200, MfaStatusJson(status));
}

Response EnrollTotp(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(enrolment, s.second_factors.EnrollTotp(caller, password));
  return JsonResponse(200, {{"secret", enrolment.secret},
                            {"otpauth_uri", enrolment.otpauth_uri},
                            {"qr_svg", enrolment.qr_svg}});
}

Response ConfirmTotp(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(code, body.RequiredString("code", kMaxCodeBytes));
  GH_TRY(codes, s.second_factors.ConfirmTotp(caller, code));
  return ConfirmedResponse(codes);
}

Response EnrollEmail(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(sent, s.second_factors.EnrollEmail(caller, password));
  return SentResponse(sent);
}

Response EnrollSms(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(phone, body.RequiredString("phone", kMaxPhoneBytes));
  GH_TRY(sent, s.second_factors.EnrollSms(caller, password, phone));
  return SentResponse(sent);
}

// POST /v1/me/mfa/{email|sms}/confirm
Response ConfirmCode(Services& s, const Request& request, FactorMethod method) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(code, body.RequiredString("code", kMaxCodeBytes));
  GH_TRY(codes, s.second_factors.ConfirmCode(caller, method, code));
  return ConfirmedResponse(codes);
}

Response Disable(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  auto method = ParseFactorMethod(params.at("method"));
  if (!method || !IsEnrollable(*method)) {
    return ProblemResponse(MakeError(Errc::kNotFound, "unknown factor"));
  }
  Status done = s.second_factors.Disable(caller, *method, password);
  if (!done) return ProblemResponse(done.error());
  return Response::NoContent();
}

Response RegenerateCodes(Services& s, const Request& request) {
  GH_TRY(caller, Authenticate(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(password, body.RequiredString("password", kMaxPasswordFieldBytes));
  GH_TRY(codes, s.second_factors.RegenerateRecoveryCodes(caller, password));
  return CodesResponse(codes);
}

Response SendLoginCode(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(token, body.RequiredString("mfa_token", kMaxTokenFieldBytes));
  GH_TRY(name, body.RequiredString("method", kMaxCodeBytes));
  GH_TRY(method, SignInMethod(name));
  GH_TRY(sent, s.mfa_login.SendLoginCode(token, method));
  return SentResponse(sent);
}

Response CompleteLogin(Services& s, const Request& request) {
  GH_TRY(body, JsonBody::Parse(request));
  GH_TRY(token, body.RequiredString("mfa_token", kMaxTokenFieldBytes));
  GH_TRY(name, body.RequiredString("method", kMaxCodeBytes));
  GH_TRY(method, SignInMethod(name));
  if (method == FactorMethod::kWebauthn) {
    GH_TRY(assertion_json, body.RequiredObject("assertion"));
    GH_TRY(assertion, ParseAssertionResponse(*assertion_json, "assertion"));
    GH_TRY(pair, s.mfa_login.CompleteWithPasskey(token, assertion, ClientOf(request)));
    return TokenPairResponse(s, pair);
  }
  GH_TRY(code, body.RequiredString("code", kMaxCodeBytes));
  GH_TRY(pair, s.mfa_login.CompleteLogin(token, method, code, ClientOf(request)));
  return TokenPairResponse(s, pair);
}

}  // namespace

void AddMfaRoutes(Router& router, Services& s) {
  router.Add("POST", "/v1/auth/login/mfa", Bind(s, CompleteLogin));
  router.Add("POST", "/v1/auth/login/mfa/send", Bind(s, SendLoginCode));
  router.Add("GET", "/v1/me/mfa", Bind(s, Overview));
  router.Add("POST", "/v1/me/mfa/totp", Bind(s, EnrollTotp));
  router.Add("POST", "/v1/me/mfa/totp/confirm", Bind(s, ConfirmTotp));
  router.Add("POST", "/v1/me/mfa/email", Bind(s, EnrollEmail));
  router.Add("POST", "/v1/me/mfa/email/confirm", [&s](const Request& r, const PathParams&) {
    return ConfirmCode(s, r, FactorMethod::kEmail);
  });
  router.Add("POST", "/v1/me/mfa/sms", Bind(s, EnrollSms));
  router.Add("POST", "/v1/me/mfa/sms/confirm", [&s](const Request& r, const PathParams&) {
    return ConfirmCode(s, r, FactorMethod::kSms);
  });
  router.Add("POST", "/v1/me/mfa/recovery-codes", Bind(s, RegenerateCodes));
  router.Add("DELETE", "/v1/me/mfa/{method}", Bind(s, Disable));
}

}  // namespace gatehouse
