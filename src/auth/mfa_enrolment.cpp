#include "auth/mfa_enrolment.hpp"

#include "auth/mfa_factors.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/security_log.hpp"
#include "auth/validation.hpp"
#include "core/time_format.hpp"
#include "crypto/qr_svg.hpp"
#include "crypto/totp.hpp"
#include "notify/outbox_sender.hpp"
#include "store/mfa_store.hpp"
#include "store/passkey_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

// What the notice e-mail says was added.
std::string FactorDescription(const MfaFactorRecord& factor) {
  switch (factor.method) {
    case FactorMethod::kTotp: return "An authenticator app";
    case FactorMethod::kEmail: return "Sign-in codes by e-mail";
    case FactorMethod::kSms:
      return "Sign-in codes by text message to " + MaskedDestination(factor.phone.value_or(""));
    case FactorMethod::kWebauthn: return "A passkey";
    case FactorMethod::kRecoveryCode: break;
  }
  return "Recovery codes";
}

}  // namespace

MfaEnrolment::MfaEnrolment(const AccountContext& context, const SecretBox& box)
    : ctx_(context), box_(box), codes_(context, box) {}

Result<MfaStatus> MfaEnrolment::Overview(const std::string& user_id) {
  return ctx_.db.Run<MfaStatus>([&](Connection& sql) -> Result<MfaStatus> {
    MfaStatus status;
    for (const MfaFactorRecord& f : mfa_store::Factors(sql, user_id)) {
      if (!f.confirmed_at) continue;
      status.totp = status.totp || f.method == FactorMethod::kTotp;
      status.email = status.email || f.method == FactorMethod::kEmail;
      if (f.method == FactorMethod::kSms) {
        status.sms = true;
        status.sms_phone = MaskedDestination(f.phone.value_or(""));
      }
    }
    status.webauthn = passkey_store::CountOf(sql, user_id) > 0;
    status.recovery_codes_left = mfa_store::RecoveryCodesLeft(sql, user_id);
    return status;
  });
}

Result<TotpEnrolment> MfaEnrolment::EnrollTotp(const AccessContext& caller,
                                               const std::string& password) {
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  std::string secret = NewTotpSecret();
  MfaFactorRecord factor;
  factor.user_id = user->id;
  factor.method = FactorMethod::kTotp;
  factor.sealed_secret = box_.Seal(secret);
  factor.created_at = ctx_.clock.NowSeconds();
  auto stored = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto factors = mfa_store::Factors(sql, user->id);
    const MfaFactorRecord* existing = FindFactor(factors, FactorMethod::kTotp);
    if (existing && existing->confirmed_at) {
      return MakeError(Errc::kConflict, "totp already confirmed",
                       "An authenticator app is already set up; remove it first.");
    }
    mfa_store::PutFactor(sql, factor);
    return Ok{};
  });
  if (!stored) return stored.error();
  TotpEnrolment enrolment;
  enrolment.secret = Base32(secret);
  enrolment.otpauth_uri = OtpauthUri(ctx_.config.mail.product_name, user->email, secret);
  enrolment.qr_svg = QrSvg(enrolment.otpauth_uri);
  return enrolment;
}

std::vector<std::string> MfaEnrolment::FinishConfirmation(
    Connection& sql, const AccessContext& caller, const UserRecord& user,
    const std::vector<MfaFactorRecord>& factors, FactorMethod method, std::int64_t now) {
  bool first_factor = user.second_factors.empty();
  mfa_store::ConfirmFactor(sql, user.id, method, now);
  ctx_.security_log.Append(sql, {SecurityEventType::kSecondFactorAdded,
                                 user.id,
                                 caller.session_id,
                                 "",
                                 caller.client,
                                 {{"method", NameOf(method)}}});
  RecordConfirmedMethods(sql, user.id);
  QueueFactorNotice(
      sql, ctx_, user,
      FactorDescription(*FindFactor(factors, method)) + " was added as a second factor.", now);
  if (!first_factor) return {};
  return IssueRecoveryCodes(sql, user.id, now);
}

Result<std::vector<std::string>> MfaEnrolment::ConfirmTotp(const AccessContext& caller,
                                                           const std::string& code) {
  std::int64_t now = ctx_.clock.NowSeconds();
  auto codes = ctx_.db.Transaction<std::vector<std::string>>(
      [&](Connection& sql) -> Result<std::vector<std::string>> {
        auto user = user_store::FindById(sql, caller.user_id);
        if (!user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
        auto factors = mfa_store::Factors(sql, user->id);
        const MfaFactorRecord* totp = FindFactor(factors, FactorMethod::kTotp);
        if (!totp) return MakeError(Errc::kNotFound, "no pending totp", "Set up an app first.");
        if (totp->confirmed_at) {
          return MakeError(Errc::kConflict, "totp already confirmed",
                           "The authenticator app is already confirmed.");
        }
        auto secret = box_.Open(totp->sealed_secret.value_or(""));
        if (!secret) return MakeError(Errc::kUnavailable, "TOTP secret does not open (mfa key?)");
        auto counter = VerifyTotp(*secret, code, now, std::nullopt);
        if (!counter) return WrongCode();
        mfa_store::AdvanceCounter(sql, user->id, *counter);
        return FinishConfirmation(sql, caller, *user, factors, FactorMethod::kTotp, now);
      });
  if (codes) ctx_.outbox.Notify();
  return codes;
}

Result<CodeSent> MfaEnrolment::EnrollCodeFactor(const AccessContext& caller,
                                                const std::string& password, FactorMethod method,
                                                const std::optional<std::string>& phone) {
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  const std::string& destination = phone ? *phone : user->email;
  if (Status counted = codes_.CountSend(user->id, method, destination); !counted) {
    return counted.error();
  }
  std::int64_t now = ctx_.clock.NowSeconds();
  auto stored = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto factors = mfa_store::Factors(sql, user->id);
    const MfaFactorRecord* existing = FindFactor(factors, method);
    if (existing && existing->confirmed_at) {
      return MakeError(Errc::kConflict, std::string(NameOf(method)) + " already confirmed",
                       "This second factor is already set up; remove it first.");
    }
    MfaFactorRecord factor;
    factor.user_id = user->id;
    factor.method = method;
    factor.phone = phone;
    factor.created_at = now;
    mfa_store::PutFactor(sql, factor);
    codes_.Queue(sql, *user, method, destination,
                 phone ? "confirm this phone number" : "turn on sign-in codes by e-mail", now);
    return Ok{};
  });
  if (!stored) return stored.error();
  ctx_.outbox.Notify();
  return CodeSent{MaskedDestination(destination)};
}

Result<CodeSent> MfaEnrolment::EnrollEmail(const AccessContext& caller,
                                           const std::string& password) {
  return EnrollCodeFactor(caller, password, FactorMethod::kEmail, std::nullopt);
}

Result<CodeSent> MfaEnrolment::EnrollSms(const AccessContext& caller, const std::string& password,
                                         const std::string& phone) {
  auto number = NormalizePhoneNumber(phone);
  if (!number) {
    return MakeError(Errc::kValidationFailed, "bad phone number",
                     "'phone' must be an international number in E.164 form, e.g. +447700900123.");
  }
  return EnrollCodeFactor(caller, password, FactorMethod::kSms, *number);
}

Result<std::vector<std::string>> MfaEnrolment::ConfirmCode(const AccessContext& caller,
                                                           FactorMethod method,
                                                           const std::string& code) {
  if (!SendsCodes(method)) return MakeError(Errc::kNotFound, "not a code factor");
  std::int64_t now = ctx_.clock.NowSeconds();
  using Outcome = std::optional<std::vector<std::string>>;  // nullopt: wrong code
  auto outcome = ctx_.db.Transaction<Outcome>([&](Connection& sql) -> Result<Outcome> {
    auto user = user_store::FindById(sql, caller.user_id);
    if (!user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
    auto factors = mfa_store::Factors(sql, user->id);
    const MfaFactorRecord* factor = FindFactor(factors, method);
    if (!factor) {
      return MakeError(Errc::kNotFound, "no pending " + std::string(NameOf(method)),
                       "Ask for a code first.");
    }
    if (factor->confirmed_at) {
      return MakeError(Errc::kConflict, std::string(NameOf(method)) + " already confirmed",
                       "This second factor is already confirmed.");
    }
    // A wrong guess returns a value, not an error, so that its count is committed.
    if (!codes_.Use(sql, user->id, method, code, now)) return Outcome();
    return Outcome(FinishConfirmation(sql, caller, *user, factors, method, now));
  });
  if (!outcome) return outcome.error();
  if (!*outcome) return WrongCode();
  ctx_.outbox.Notify();
  return std::move(**outcome);
}

Status MfaEnrolment::Disable(const AccessContext& caller, FactorMethod method,
                             const std::string& password) {
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  auto done = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto factors = mfa_store::Factors(sql, user->id);
    const MfaFactorRecord* factor = FindFactor(factors, method);
    if (!factor) return MakeError(Errc::kNotFound, "no such factor");
    bool was_confirmed = factor->confirmed_at.has_value();
    std::string description = FactorDescription(*factor);
    mfa_store::DeleteFactor(sql, user->id, method);
    mfa_store::DeleteCode(sql, user->id, method);
    RecordConfirmedMethods(sql, user->id);
    if (was_confirmed) {
      QueueFactorNotice(sql, ctx_, *user, description + " was removed as a second factor.", now);
      ctx_.security_log.Append(sql, {SecurityEventType::kSecondFactorRemoved,
                                     user->id,
                                     caller.session_id,
                                     "",
                                     caller.client,
                                     {{"method", NameOf(method)}}});
    }
    return Ok{};
  });
  if (done) ctx_.outbox.Notify();
  return done;
}

Result<std::vector<std::string>> MfaEnrolment::RegenerateRecoveryCodes(
    const AccessContext& caller, const std::string& password) {
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<std::vector<std::string>>(
      [&](Connection& sql) -> Result<std::vector<std::string>> {
        if (ConfirmedMethods(sql, user->id).empty()) {
          return MakeError(Errc::kConflict, "no second factor",
                           "Recovery codes come with a second factor; set one up first.");
        }
        return IssueRecoveryCodes(sql, user->id, now);
      });
}

}  // namespace gatehouse
