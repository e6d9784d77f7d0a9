#include "auth/mfa_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/link_tokens.hpp"
#include "auth/validation.hpp"
#include "core/time_format.hpp"
#include "crypto/qr_svg.hpp"
#include "crypto/random.hpp"
#include "crypto/totp.hpp"
#include "notify/outbox_sender.hpp"
#include "store/mfa_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

constexpr int kRecoveryCodeCount = 10;
constexpr std::size_t kRecoveryCodeLength = 10;  // 50 bits each
// 32 symbols without look-alikes (no l, o, 0, 1), so a byte maps to one without bias.
constexpr std::string_view kRecoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";
constexpr std::int64_t kChallengeSeconds = std::int64_t{5} * 60;
constexpr int kChallengeAttempts = 5;

std::string NewRecoveryCode() {
  std::string bytes = RandomBytes(kRecoveryCodeLength);
  std::string code;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == kRecoveryCodeLength / 2) code += '-';
    code += kRecoveryAlphabet[static_cast<unsigned char>(bytes[i]) % kRecoveryAlphabet.size()];
  }
  return code;
}

// Codes are compared without case, dashes or spaces, as people type them.
std::string RecoveryCodeHash(std::string_view code) {
  std::string normalized;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    normalized += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return Sha256Hex("recovery:" + normalized);
}

const MfaFactorRecord* Find(const std::vector<MfaFactorRecord>& factors, std::string_view method) {
  auto it = std::find_if(factors.begin(), factors.end(),
                         [&](const MfaFactorRecord& f) { return f.method == method; });
  return it == factors.end() ? nullptr : &*it;
}

// A pointer into a temporary list would dangle (AddressSanitizer caught exactly that).
const MfaFactorRecord* Find(std::vector<MfaFactorRecord>&& factors,
                            std::string_view method) = delete;

bool AnyConfirmed(const std::vector<MfaFactorRecord>& factors) {
  return std::any_of(factors.begin(), factors.end(),
                     [](const MfaFactorRecord& f) { return f.confirmed_at.has_value(); });
}

// Keeps users.second_factors in step with the confirmed factors (same transaction).
void RecordConfirmedMethods(Connection& sql, const std::string& user_id) {
  std::string methods;
  for (const MfaFactorRecord& f : mfa_store::Factors(sql, user_id)) {
    if (!f.confirmed_at) continue;
    methods += (methods.empty() ? "" : ",") + f.method;
  }
  user_store::SetSecondFactors(sql, user_id, methods);
}

Error WrongCode() {
  return MakeError(Errc::kMfaInvalidCode, "wrong second-factor code",
                   "The code is wrong, used or expired.");
}

bool IsCodeMethod(std::string_view method) { return method == "email" || method == "sms"; }

// What the notice e-mail says was added.
std::string FactorDescription(const MfaFactorRecord& factor) {
  if (factor.method == "totp") return "An authenticator app";
  if (factor.method == "email") return "Sign-in codes by e-mail";
  return "Sign-in codes by text message to " + MaskedDestination(factor.phone.value_or(""));
}

// The access token's amr (RFC 8176 values where one fits; "email" is not registered): "mfa"
// on every sign-in that took a second factor, so a relying party can check for that alone.
std::vector<std::string> AmrFor(std::string_view method) {
  if (method == "totp") return {"pwd", "otp", "mfa"};
  if (method == "sms") return {"pwd", "sms", "mfa"};
  if (method == "email") return {"pwd", "email", "mfa"};
  return {"pwd", "mfa"};  // a recovery code
}

Error DeadChallenge(std::string reason) {
  return MakeError(Errc::kInvalidToken, std::move(reason),
                   "The sign-in attempt expired or had too many wrong codes; sign in again.");
}

}  // namespace

bool HasSecondFactor(const UserRecord& user, std::string_view method) {
  std::string_view list = user.second_factors;
  while (!list.empty()) {
    auto comma = list.find(',');
    if (list.substr(0, comma) == method) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

MfaService::MfaService(const AccountContext& context, const SecretBox& box)
    : ctx_(context), box_(box), codes_(context, box) {}

void MfaService::QueueNotice(Connection& sql, const UserRecord& user, const std::string& change,
                             std::int64_t now) {
  RenderedMessage notice = ctx_.templates.Render(
      MessageKind::kMfaChanged, {{"product", ctx_.config.mail.product_name},
                                 {"name", user.name.empty() ? user.email : user.name},
                                 {"change", change},
                                 {"time", FormatRfc3339(now)},
                                 {"reset_url", ctx_.config.ui.link_base + "/forgot-password"}});
  OutboxSender::Enqueue(sql, user.email, notice, now);
}

std::vector<std::string> MfaService::IssueRecoveryCodes(Connection& sql, const std::string& user_id,
                                                        std::int64_t now) {
  std::vector<std::string> codes, hashes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    codes.push_back(NewRecoveryCode());
    hashes.push_back(RecoveryCodeHash(codes.back()));
  }
  mfa_store::ReplaceRecoveryCodes(sql, user_id, hashes, now);
  return codes;
}

Result<MfaStatus> MfaService::Overview(const std::string& user_id) {
  return ctx_.db.Run<MfaStatus>([&](Connection& sql) -> Result<MfaStatus> {
    MfaStatus status;
    for (const MfaFactorRecord& f : mfa_store::Factors(sql, user_id)) {
      if (!f.confirmed_at) continue;
      status.totp = status.totp || f.method == "totp";
      status.email = status.email || f.method == "email";
      if (f.method == "sms") {
        status.sms = true;
        status.sms_phone = MaskedDestination(f.phone.value_or(""));
      }
    }
    status.recovery_codes_left = mfa_store::RecoveryCodesLeft(sql, user_id);
    return status;
  });
}

Result<TotpEnrolment> MfaService::EnrollTotp(const AccessContext& caller,
                                             const std::string& password) {
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  std::string secret = NewTotpSecret();
  MfaFactorRecord factor;
  factor.user_id = user->id;
  factor.method = "totp";
  factor.sealed_secret = box_.Seal(secret);
  factor.created_at = ctx_.clock.NowSeconds();
  auto stored = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto factors = mfa_store::Factors(sql, user->id);
    const MfaFactorRecord* existing = Find(factors, "totp");
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

std::vector<std::string> MfaService::FinishConfirmation(Connection& sql, const UserRecord& user,
                                                        const std::vector<MfaFactorRecord>& factors,
                                                        const std::string& method,
                                                        std::int64_t now) {
  bool first_factor = !AnyConfirmed(factors);
  mfa_store::ConfirmFactor(sql, user.id, method, now);
  RecordConfirmedMethods(sql, user.id);
  QueueNotice(sql, user,
              FactorDescription(*Find(factors, method)) + " was added as a second factor.", now);
  if (!first_factor) return {};
  return IssueRecoveryCodes(sql, user.id, now);
}

Result<std::vector<std::string>> MfaService::ConfirmTotp(const AccessContext& caller,
                                                         const std::string& code) {
  std::int64_t now = ctx_.clock.NowSeconds();
  auto codes = ctx_.db.Transaction<std::vector<std::string>>(
      [&](Connection& sql) -> Result<std::vector<std::string>> {
        auto user = user_store::FindById(sql, caller.user_id);
        if (!user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
        auto factors = mfa_store::Factors(sql, user->id);
        const MfaFactorRecord* totp = Find(factors, "totp");
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
        return FinishConfirmation(sql, *user, factors, "totp", now);
      });
  if (codes) ctx_.outbox.Notify();
  return codes;
}

Result<CodeSent> MfaService::EnrollCodeFactor(const AccessContext& caller,
                                              const std::string& password,
                                              const std::string& method,
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
    const MfaFactorRecord* existing = Find(factors, method);
    if (existing && existing->confirmed_at) {
      return MakeError(Errc::kConflict, method + " already confirmed",
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

Result<CodeSent> MfaService::EnrollEmail(const AccessContext& caller, const std::string& password) {
  return EnrollCodeFactor(caller, password, "email", std::nullopt);
}

Result<CodeSent> MfaService::EnrollSms(const AccessContext& caller, const std::string& password,
                                       const std::string& phone) {
  auto number = NormalizePhoneNumber(phone);
  if (!number) {
    return MakeError(Errc::kValidationFailed, "bad phone number",
                     "'phone' must be an international number in E.164 form, e.g. +447700900123.");
  }
  return EnrollCodeFactor(caller, password, "sms", *number);
}

Result<std::vector<std::string>> MfaService::ConfirmCode(const AccessContext& caller,
                                                         const std::string& method,
                                                         const std::string& code) {
  if (!IsCodeMethod(method)) return MakeError(Errc::kNotFound, "not a code factor");
  std::int64_t now = ctx_.clock.NowSeconds();
  using Outcome = std::optional<std::vector<std::string>>;  // nullopt: wrong code
  auto outcome = ctx_.db.Transaction<Outcome>([&](Connection& sql) -> Result<Outcome> {
    auto user = user_store::FindById(sql, caller.user_id);
    if (!user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
    auto factors = mfa_store::Factors(sql, user->id);
    const MfaFactorRecord* factor = Find(factors, method);
    if (!factor) {
      return MakeError(Errc::kNotFound, "no pending " + method, "Ask for a code first.");
    }
    if (factor->confirmed_at) {
      return MakeError(Errc::kConflict, method + " already confirmed",
                       "This second factor is already confirmed.");
    }
    // A wrong guess returns a value, not an error, so that its count is committed.
    if (!codes_.Use(sql, user->id, method, code, now)) return Outcome();
    return Outcome(FinishConfirmation(sql, *user, factors, method, now));
  });
  if (!outcome) return outcome.error();
  if (!*outcome) return WrongCode();
  ctx_.outbox.Notify();
  return std::move(**outcome);
}

Status MfaService::Disable(const AccessContext& caller, const std::string& method,
                           const std::string& password) {
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  auto done = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto factors = mfa_store::Factors(sql, user->id);
    const MfaFactorRecord* factor = Find(factors, method);
    if (!factor) return MakeError(Errc::kNotFound, "no such factor");
    bool was_confirmed = factor->confirmed_at.has_value();
    std::string description = FactorDescription(*factor);
    mfa_store::DeleteFactor(sql, user->id, method);
    mfa_store::DeleteCode(sql, user->id, method);
    if (!AnyConfirmed(mfa_store::Factors(sql, user->id))) {
      mfa_store::DeleteRecoveryCodes(sql, user->id);
    }
    RecordConfirmedMethods(sql, user->id);
    if (was_confirmed)
      QueueNotice(sql, *user, description + " was removed as a second factor.", now);
    return Ok{};
  });
  if (done) ctx_.outbox.Notify();
  return done;
}

Result<std::vector<std::string>> MfaService::RegenerateRecoveryCodes(const AccessContext& caller,
                                                                     const std::string& password) {
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<std::vector<std::string>>(
      [&](Connection& sql) -> Result<std::vector<std::string>> {
        if (!AnyConfirmed(mfa_store::Factors(sql, user->id))) {
          return MakeError(Errc::kConflict, "no second factor",
                           "Recovery codes come with a second factor; set one up first.");
        }
        return IssueRecoveryCodes(sql, user->id, now);
      });
}

Result<std::optional<MfaChallenge>> MfaService::ChallengeIfEnrolled(const UserRecord& user,
                                                                    bool remember_me) {
  if (user.second_factors.empty()) return std::optional<MfaChallenge>();  // no query needed
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<std::optional<MfaChallenge>>(
      [&](Connection& sql) -> Result<std::optional<MfaChallenge>> {
        auto factors = mfa_store::Factors(sql, user.id);
        if (!AnyConfirmed(factors)) return std::optional<MfaChallenge>();
        MfaChallenge challenge;
        challenge.mfa_token = NewLinkToken();
        for (const MfaFactorRecord& f : factors) {
          if (f.confirmed_at) challenge.methods.push_back(f.method);
        }
        challenge.methods.emplace_back("recovery_code");
        MfaChallengeRecord record;
        record.token_hash = LinkTokenHash(challenge.mfa_token);
        record.user_id = user.id;
        record.remember_me = remember_me;
        record.expires_at = now + kChallengeSeconds;
        mfa_store::InsertChallenge(sql, record, now);
        return std::optional<MfaChallenge>(std::move(challenge));
      });
}

Result<bool> MfaService::CheckSecondFactor(const UserRecord& user, const std::string& method,
                                           const std::string& code) {
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<bool>([&](Connection& sql) -> Result<bool> {
    if (method == "recovery_code") {
      return mfa_store::UseRecoveryCode(sql, user.id, RecoveryCodeHash(code), now);
    }
    if (IsCodeMethod(method)) {
      // A wrong code is false, not an error, so that its count is committed.
      return HasSecondFactor(user, method) && codes_.Use(sql, user.id, method, code, now);
    }
    auto factors = mfa_store::Factors(sql, user.id);
    const MfaFactorRecord* totp = Find(factors, "totp");
    if (!totp || !totp->confirmed_at) return false;
    auto secret = box_.Open(totp->sealed_secret.value_or(""));
    if (!secret) return MakeError(Errc::kUnavailable, "TOTP secret does not open (mfa key?)");
    std::optional<std::uint64_t> last;
    if (totp->last_counter) last = static_cast<std::uint64_t>(*totp->last_counter);
    auto counter = VerifyTotp(*secret, code, now, last);
    // The conditional update refuses the step if a concurrent request took it first.
    return counter && mfa_store::AdvanceCounter(sql, user.id, *counter);
  });
}

Result<std::pair<MfaChallengeRecord, UserRecord>> MfaService::FindLiveChallenge(
    const std::string& hash, std::int64_t now) {
  using Pending = std::pair<MfaChallengeRecord, UserRecord>;
  auto found =
      ctx_.db.Run<std::optional<Pending>>([&](Connection& sql) -> Result<std::optional<Pending>> {
        auto challenge = mfa_store::FindChallenge(sql, hash);
        if (!challenge || challenge->used_at || challenge->expires_at <= now) {
          return std::optional<Pending>();
        }
        auto user = user_store::FindById(sql, challenge->user_id);
        if (!user) return std::optional<Pending>();
        return std::optional<Pending>(Pending{*challenge, *user});
      });
  if (!found) return found.error();
  if (!*found) return DeadChallenge("challenge used, expired or its user gone");
  return std::move(**found);
}

Result<CodeSent> MfaService::SendLoginCode(const std::string& mfa_token,
                                           const std::string& method) {
  if (!IsCodeMethod(method)) {
    return MakeError(Errc::kValidationFailed, "bad method", "'method' must be email or sms.");
  }
  if (!IsWellFormedLinkToken(mfa_token)) return DeadChallenge("malformed mfa_token");
  std::int64_t now = ctx_.clock.NowSeconds();
  auto found = FindLiveChallenge(LinkTokenHash(mfa_token), now);
  if (!found) return found.error();
  const MfaChallengeRecord& challenge = found->first;
  const UserRecord& user = found->second;  // named, not bound: lambdas below capture it
  if (challenge.attempts >= kChallengeAttempts) return DeadChallenge("out of attempts");
  auto factors = ctx_.db.Run<std::vector<MfaFactorRecord>>(
      [&](Connection& sql) -> Result<std::vector<MfaFactorRecord>> {
        return mfa_store::Factors(sql, user.id);
      });
  if (!factors) return factors.error();
  const MfaFactorRecord* factor = Find(*factors, method);
  if (!factor || !factor->confirmed_at) {
    return MakeError(Errc::kValidationFailed, "method not set up",
                     "'method' must be one the sign-in offered.");
  }
  std::string destination = method == "sms" ? factor->phone.value_or("") : user.email;
  if (Status counted = codes_.CountSend(user.id, method, destination); !counted) {
    return counted.error();
  }
  auto queued = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    codes_.Queue(sql, user, method, destination, "sign in", now);
    return Ok{};
  });
  if (!queued) return queued.error();
  ctx_.outbox.Notify();
  return CodeSent{MaskedDestination(destination)};
}

Result<TokenPair> MfaService::CompleteLogin(const std::string& mfa_token, const std::string& method,
                                            const std::string& code, const ClientInfo& client) {
  if (method != "totp" && method != "recovery_code" && !IsCodeMethod(method)) {
    return MakeError(Errc::kValidationFailed, "bad method",
                     "'method' must be one the sign-in offered (totp, email, sms, recovery_code).");
  }
  if (!IsWellFormedLinkToken(mfa_token)) return DeadChallenge("malformed mfa_token");
  std::string hash = LinkTokenHash(mfa_token);
  std::int64_t now = ctx_.clock.NowSeconds();
  // Counted before the code is checked, atomically: parallel guesses cannot exceed the limit.
  auto counted = ctx_.db.Write<bool>([&](Connection& sql) -> Result<bool> {
    return mfa_store::CountAttempt(sql, hash, kChallengeAttempts, now);
  });
  if (!counted) return counted.error();
  if (!*counted) return DeadChallenge("mfa_token used, expired or out of attempts");
  auto found = FindLiveChallenge(hash, now);
  if (!found) return found.error();
  const auto& [challenge, user] = *found;
  // Guesses count against the account too, so fresh challenges do not buy fresh guesses.
  if (Status taken = ctx_.attempts.Take(user.email); !taken) return taken.error();
  auto right = CheckSecondFactor(user, method, code);
  if (!right) return right.error();
  if (!*right) return WrongCode();
  ctx_.attempts.Reset(user.email);
  auto used = ctx_.db.Write<bool>(
      [&](Connection& sql) -> Result<bool> { return mfa_store::UseChallenge(sql, hash, now); });
  if (!used) return used.error();
  if (!*used) return DeadChallenge("mfa_token used concurrently");
  return ctx_.tokens.StartSession(user, challenge.remember_me, AmrFor(method), client);
}

}  // namespace gatehouse
