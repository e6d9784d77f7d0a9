// The account center's two-factor section: authenticator app, e-mail and SMS codes, removing a
// factor, and recovery codes (shown once, to copy or download).
#include "api/handler_support.hpp"
#include "auth/mfa_enrolment.hpp"
#include "core/form_encoding.hpp"
#include "ui/page_routes.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxPhoneBytes = 32;
constexpr std::string_view kOverview = "/account/two-factor";

const std::map<std::string, std::string, std::less<>> kNotices = {
    {"totp", "two_factor.totp_on"},
    {"email", "two_factor.email_on"},
    {"sms", "two_factor.sms_on"},
    {"removed", "two_factor.removed"},
};

// "HIE5 2OO2 WL67 …": a key grouped by four is easier to type; apps ignore the spaces.
std::string Grouped(const std::string& secret) {
  std::string out;
  for (std::size_t i = 0; i < secret.size(); i += 4) {
    if (i) out += ' ';
    out += secret.substr(i, 4);
  }
  return out;
}

// The factor a path names, if it is one a user sets up.
std::optional<FactorMethod> EnrollableFactor(std::string_view name) {
  auto method = ParseFactorMethod(name);
  if (!method || !IsEnrollable(*method)) return std::nullopt;
  return method;
}

// The overview, optionally with an error on one factor's card.
Response Overview(PageServices& pages, const Request& request, const PageVisitor& visitor,
                  int status = 200, const std::string& error_method = "",
                  std::string error_key = "", std::string notice_key = "") {
  auto mfa = pages.api.second_factors.Overview(visitor.caller.account.id);
  if (!mfa) return ErrorPage(request, pages, mfa.error());
  Page page{.status = status, .name = "two_factor", .title_key = "two_factor.title"};
  page.data = {{"totp", mfa->totp},
               {"email", mfa->email},
               {"sms", mfa->sms},
               {"sms_phone", mfa->sms_phone},
               {"any", mfa->totp || mfa->email || mfa->sms},
               {"recovery_codes_left", mfa->recovery_codes_left}};
  if (!error_key.empty()) {
    page.data["error_" + error_method] = true;
    page.texts["error_text"] = std::move(error_key);
  }
  page.notice_key = std::move(notice_key);
  return RenderFor(pages, request, visitor, std::move(page));
}

// What a factor's form may fail with, said on its card.
std::string ErrorKeyOf(const Error& error) {
  switch (error.code) {
    case Errc::kInvalidCredentials: return "account.wrong_password";
    case Errc::kMfaInvalidCode: return "second_factor.wrong_code";
    case Errc::kValidationFailed: return "two_factor.invalid";
    case Errc::kConflict: return "two_factor.conflict";
    default: return "";
  }
}

Response Failed(PageServices& pages, const Request& request, const PageVisitor& visitor,
                const std::string& method, const Error& error) {
  std::string key = ErrorKeyOf(error);
  if (key.empty()) return ErrorPage(request, pages, error);
  return Overview(pages, request, visitor, ProblemFor(error.code).status, method, key);
}

Response Setup(PageServices& pages, const Request& request, const PageVisitor& visitor,
               const std::string& method, nlohmann::json data, int status = 200,
               std::string error_key = "") {
  Page page{
      .status = status, .name = "two_factor_setup", .title_key = "two_factor." + method + "_setup"};
  page.data = std::move(data);
  page.data["method"] = method;
  page.data["method_" + method] = true;
  page.error_key = std::move(error_key);
  return RenderFor(pages, request, visitor, std::move(page));
}

Response ShowOverview(PageServices& pages, const Request& request) {
  auto visitor = SignedIn(request, pages);
  if (!visitor) return SignInFirst(kOverview);
  return Overview(pages, request, *visitor, 200, "", "", NoticeFor(request, kNotices));
}

// POST /account/two-factor/{method}: starts setting a factor up (the password first).
Response Start(PageServices& pages, const Request& request, const PathParams& params) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kOverview);
  if (refused) return *refused;
  const std::string& method = params.at("method");
  auto factor = EnrollableFactor(method);
  if (!factor) return ErrorPage(request, pages, MakeError(Errc::kNotFound, "no factor"));
  std::string password = Field(form, "password");
  if (password.size() > kMaxPasswordFieldBytes) {
    return Failed(pages, request, visitor, method, MakeError(Errc::kValidationFailed, "long"));
  }
  MfaEnrolment& mfa = pages.api.second_factors;
  const AccessContext& caller = visitor.caller.access;
  if (*factor == FactorMethod::kTotp) {
    auto enrolment = mfa.EnrollTotp(caller, password);
    if (!enrolment) return Failed(pages, request, visitor, method, enrolment.error());
    return Setup(pages, request, visitor, method,
                 {{"qr_svg", enrolment->qr_svg}, {"secret", Grouped(enrolment->secret)}});
  }
  std::string phone = Field(form, "phone");
  if (phone.size() > kMaxPhoneBytes) {
    return Failed(pages, request, visitor, method, MakeError(Errc::kValidationFailed, "long"));
  }
  auto sent = *factor == FactorMethod::kEmail ? mfa.EnrollEmail(caller, password)
                                              : mfa.EnrollSms(caller, password, phone);
  if (!sent) return Failed(pages, request, visitor, method, sent.error());
  return Setup(pages, request, visitor, method, {{"sent_to", sent->sent_to}});
}

// POST /account/two-factor/{method}/confirm: the code from the app, the e-mail or the SMS.
Response Confirm(PageServices& pages, const Request& request, const PathParams& params) {
  auto [form, visitor, refused] = ReadSignedInPost(
      request, pages, kOverview, PageLimit{"mfa", pages.api.config.rate_limits.mfa});
  if (refused) return *refused;
  const std::string& method = params.at("method");
  auto factor = EnrollableFactor(method);
  if (!factor) return ErrorPage(request, pages, MakeError(Errc::kNotFound, "no factor"));
  std::string code = Field(form, "code").substr(0, kMaxCodeBytes);
  MfaEnrolment& mfa = pages.api.second_factors;
  auto codes = *factor == FactorMethod::kTotp
                   ? mfa.ConfirmTotp(visitor.caller.access, code)
                   : mfa.ConfirmCode(visitor.caller.access, *factor, code);
  if (!codes) {
    if (codes.error().code == Errc::kMfaInvalidCode) {
      // The same setup page again; an app's QR code is not shown twice (start over for it).
      return Setup(pages, request, visitor, method, {{"retry", true}}, 401,
                   "second_factor.wrong_code");
    }
    return Failed(pages, request, visitor, method, codes.error());
  }
  // The first factor comes with recovery codes, shown this once.
  if (!codes->empty())
    return ShowRecoveryCodes(pages, request, visitor, *codes, kNotices.at(method));
  return DoneRedirect(visitor, kOverview, method);
}

// POST /account/two-factor/{method}/remove, with the password.
Response Remove(PageServices& pages, const Request& request, const PathParams& params) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kOverview);
  if (refused) return *refused;
  const std::string& method = params.at("method");
  auto factor = EnrollableFactor(method);
  if (!factor) return ErrorPage(request, pages, MakeError(Errc::kNotFound, "no factor"));
  std::string password = Field(form, "password").substr(0, kMaxPasswordFieldBytes);
  Status done = pages.api.second_factors.Disable(visitor.caller.access, *factor, password);
  if (!done) return Failed(pages, request, visitor, method, done.error());
  return DoneRedirect(visitor, kOverview, "removed");
}

// POST /account/recovery-codes: new codes (the old ones stop working).
Response Regenerate(PageServices& pages, const Request& request) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kOverview);
  if (refused) return *refused;
  std::string password = Field(form, "password").substr(0, kMaxPasswordFieldBytes);
  auto codes = pages.api.second_factors.RegenerateRecoveryCodes(visitor.caller.access, password);
  if (!codes) return Failed(pages, request, visitor, "recovery", codes.error());
  return ShowRecoveryCodes(pages, request, visitor, *codes, "recovery.regenerated");
}

}  // namespace

void AddTwoFactorPages(Router& router, PageServices& pages) {
  router.Add("GET", "/account/two-factor", OnPage(pages, ShowOverview));
  router.Add("POST", "/account/recovery-codes", OnPage(pages, Regenerate));
  router.Add("POST", "/account/two-factor/{method}", OnPage(pages, Start));
  router.Add("POST", "/account/two-factor/{method}/confirm", OnPage(pages, Confirm));
  router.Add("POST", "/account/two-factor/{method}/remove", OnPage(pages, Remove));
}

}  // namespace gatehouse
