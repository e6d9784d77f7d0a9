// The account center's passkeys: the list (rename; remove after the password or an app code)
// and adding one, where passkeys.js asks for the creation options and posts back what the
// browser made.
#include <nlohmann/json.hpp>

#include "api/handler_support.hpp"
#include "auth/mfa_enrolment.hpp"
#include "auth/passkey_enrolment.hpp"
#include "auth/passkey_sign_in.hpp"
#include "core/time_format.hpp"
#include "ui/page_routes.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kPasskeys = "/account/passkeys";
// A registration response is at most ~90 KiB of base64url (credential_json.cpp's limits).
constexpr std::size_t kMaxCredentialFieldBytes = 96 * 1024;

const std::map<std::string, std::string, std::less<>> kNotices = {
    {"added", "passkeys.added_notice"},
    {"renamed", "passkeys.renamed"},
    {"removed", "passkeys.removed"},
};

// What adding, renaming or removing may fail with, said on the page.
std::string ErrorKeyOf(const Error& error) {
  switch (error.code) {
    case Errc::kInvalidCredentials: return "account.wrong_password";
    case Errc::kMfaInvalidCode: return "second_factor.wrong_code";
    case Errc::kRateLimited: return "error.rate_limited";
    case Errc::kInvalidToken: return "passkeys.expired";
    case Errc::kValidationFailed: return "passkeys.refused";
    case Errc::kConflict: return "passkeys.duplicate";
    case Errc::kNotFound: return "passkeys.gone";
    default: return "";
  }
}

Response List(PageServices& pages, const Request& request, const PageVisitor& visitor,
              int status = 200, std::string error_on = "", std::string error_key = "",
              std::string notice_key = "") {
  auto passkeys = pages.api.passkeys.List(visitor.caller.account.id);
  if (!passkeys) return ErrorPage(request, pages, passkeys.error());
  auto factors = pages.api.second_factors.Overview(visitor.caller.account.id);
  if (!factors) return ErrorPage(request, pages, factors.error());
  nlohmann::json list = nlohmann::json::array();
  for (const PasskeyRecord& p : *passkeys) {
    nlohmann::json item = {{"id", p.id},
                           {"name", p.name},
                           {"synced", p.backup_eligible},
                           {"created", ShownTime(p.created_at)},
                           {"created_iso", FormatRfc3339(p.created_at)}};
    if (p.last_used_at) {
      item["last_used"] = ShownTime(*p.last_used_at);
      item["last_used_iso"] = FormatRfc3339(*p.last_used_at);
    }
    list.push_back(std::move(item));
  }
  Page page{.status = status, .name = "passkeys", .title_key = "passkeys.title"};
  page.data = {{"passkeys", list},
               {"enabled", pages.api.passkey_sign_in.Available()},
               {"totp", factors->totp},
               {"email", visitor.caller.account.email}};
  if (!error_key.empty()) {
    page.data["error_" + error_on] = true;
    page.texts["error_text"] = std::move(error_key);
  }
  page.notice_key = std::move(notice_key);
  return RenderFor(pages, request, visitor, std::move(page));
}

Response Failed(PageServices& pages, const Request& request, const PageVisitor& visitor,
                const std::string& where, const Error& error) {
  std::string key = ErrorKeyOf(error);
  if (key.empty()) return ErrorPage(request, pages, error);
  LogProblem(error);
  return List(pages, request, visitor, ProblemFor(error.code).status, where, key);
}

Response Show(PageServices& pages, const Request& request) {
  auto visitor = SignedIn(request, pages);
  if (!visitor) return SignInFirst(kPasskeys);
  return List(pages, request, *visitor, 200, "", "", NoticeFor(request, kNotices));
}

// POST /account/passkeys/options (passkeys.js): the password, then the creation options.
Response Options(PageServices& pages, const Request& request) {
  auto form = ReadForm(request, pages);
  if (!form) return ScriptRefusal(pages, request, form.error(), "error.csrf");
  auto visitor = SignedIn(request, pages);
  if (!visitor) {
    return ScriptRefusal(pages, request, MakeError(Errc::kInvalidToken, "signed out"),
                         "passkeys.signed_out");
  }
  std::string password = Field(*form, "password").substr(0, kMaxPasswordFieldBytes);
  auto options = pages.api.passkeys.CreationOptions(visitor->caller.access, password);
  if (!options) {
    // A conflict here is the account's limit of passkeys, not a duplicate.
    std::string key =
        options.error().code == Errc::kConflict ? "passkeys.too_many" : ErrorKeyOf(options.error());
    return ScriptRefusal(pages, request, options.error(), key.empty() ? "passkeys.failed" : key);
  }
  Response response = ScriptAnswer(*options);
  CopyCookies(visitor->cookies, response);
  return response;
}

// POST /account/passkeys: what the browser made, with the name.
Response Add(PageServices& pages, const Request& request) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kPasskeys);
  if (refused) return *refused;
  std::string text = Field(form, "credential");
  if (text.empty()) {  // no script ran: nothing was made
    return List(pages, request, visitor, 422, "add", "passkeys.unsupported");
  }
  auto name = PasskeyEnrolment::CheckedName(Field(form, "name"));
  if (!name) return List(pages, request, visitor, 422, "add", "passkeys.invalid_name");
  nlohmann::json json = text.size() <= kMaxCredentialFieldBytes
                            ? nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false)
                            : nlohmann::json();
  auto credential = ParseRegistrationResponse(json, "credential");
  if (!credential) return Failed(pages, request, visitor, "add", credential.error());
  auto added = pages.api.passkeys.Register(visitor.caller.access, *credential, *name);
  if (!added) return Failed(pages, request, visitor, "add", added.error());
  // The first second factor comes with recovery codes, shown this once.
  if (!added->recovery_codes.empty()) {
    return ShowRecoveryCodes(pages, request, visitor, added->recovery_codes,
                             "passkeys.added_notice");
  }
  return DoneRedirect(visitor, kPasskeys, "added");
}

Response Rename(PageServices& pages, const Request& request, const PathParams& params) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kPasskeys);
  if (refused) return *refused;
  auto name = PasskeyEnrolment::CheckedName(Field(form, "name"));
  if (!name) return List(pages, request, visitor, 422, "list", "passkeys.invalid_name");
  Status renamed = pages.api.passkeys.Rename(visitor.caller.access, params.at("passkey_id"), *name);
  if (!renamed) return Failed(pages, request, visitor, "list", renamed.error());
  return DoneRedirect(visitor, kPasskeys, "renamed");
}

Response Remove(PageServices& pages, const Request& request, const PathParams& params) {
  auto [form, visitor, refused] = ReadSignedInPost(request, pages, kPasskeys);
  if (refused) return *refused;
  // The password or, in its place, a code of the authenticator app.
  std::string password = Field(form, "password").substr(0, kMaxPasswordFieldBytes);
  std::string code = Field(form, "code").substr(0, kMaxCodeBytes);
  PresenceProof proof = password.empty() && !code.empty()
                            ? PresenceProof{PresenceProof::Kind::kTotpCode, code}
                            : PresenceProof{PresenceProof::Kind::kPassword, password};
  Status removed = pages.api.passkeys.Remove(visitor.caller.access, params.at("passkey_id"), proof);
  if (!removed) return Failed(pages, request, visitor, "list", removed.error());
  return DoneRedirect(visitor, kPasskeys, "removed");
}

}  // namespace

void AddPasskeyPages(Router& router, PageServices& pages) {
  router.Add("GET", "/account/passkeys", OnPage(pages, Show));
  router.Add("POST", "/account/passkeys", OnPage(pages, Add));
  router.Add("POST", "/account/passkeys/options", OnPage(pages, Options));
  router.Add("POST", "/account/passkeys/{passkey_id}/rename", OnPage(pages, Rename));
  router.Add("POST", "/account/passkeys/{passkey_id}/remove", OnPage(pages, Remove));
}

}  // namespace gatehouse
