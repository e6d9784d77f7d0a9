#include "auth/mfa_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/link_tokens.hpp"
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

bool AnyConfirmed(const std::vector<MfaFactorRecord>& factors) {
  return std::any_of(factors.begin(), factors.end(),
                     [](const MfaFactorRecord& f) { return f.confirmed_at.has_value(); });
}

// Keeps users.second_factors in step with the confirmed factors (same transaction).
void RecordConfirmedMethods(soci::session& sql, const std::string& user_id) {
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
    : ctx_(context), box_(box) {}

Result<UserRecord> MfaService::CheckPassword(const std::string& user_id,
                                             const std::string& password) {
  auto user = ctx_.db.Run<std::optional<UserRecord>>(
      [&](soci::session& sql) -> Result<std::optional<UserRecord>> {
        return user_store::FindById(sql, user_id);
      });
  if (!user) return user.error();
  if (!*user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
  auto check = ctx_.hasher.Verify(password, (*user)->password_hash);
  if (!check) return check.error();
  if (!check->matches) {
    return MakeError(Errc::kInvalidCredentials, "wrong password", "The password is wrong.");
  }
  return **user;
}

void MfaService::QueueNotice(soci::session& sql, const UserRecord& user, const std::string& change,
                             std::int64_t now) {
  RenderedMessage notice =
      ctx_.templates.Render(MessageKind::kMfaChanged,
                            {{"product", ctx_.config.mail.product_name},
                             {"name", user.name.empty() ? user.email : user.name},
                             {"change", change},
                             {"time", FormatRfc3339(now)},
                             {"reset_url", ctx_.config.server.public_url + "/forgot-password"}});
  OutboxSender::Enqueue(sql, user.email, notice, now);
}

std::vector<std::string> MfaService::IssueRecoveryCodes(soci::session& sql,
                                                        const std::string& user_id,
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
  return ctx_.db.Run<MfaStatus>([&](soci::session& sql) -> Result<MfaStatus> {
    MfaStatus status;
    for (const MfaFactorRecord& f : mfa_store::Factors(sql, user_id)) {
      if (!f.confirmed_at) continue;
      status.totp = status.totp || f.method == "totp";
      status.email = status.email || f.method == "email";
      status.sms = status.sms || f.method == "sms";
    }
    status.recovery_codes_left = mfa_store::RecoveryCodesLeft(sql, user_id);
    return status;
  });
}

Result<TotpEnrolment> MfaService::EnrollTotp(const AccessContext& caller,
                                             const std::string& password) {
  auto user = CheckPassword(caller.user_id, password);
  if (!user) return user.error();
  std::string secret = NewTotpSecret();
  MfaFactorRecord factor;
  factor.user_id = user->id;
  factor.method = "totp";
  factor.sealed_secret = box_.Seal(secret);
  factor.created_at = ctx_.clock.NowSeconds();
  auto stored = ctx_.db.Transaction<Ok>([&](soci::session& sql) -> Status {
    const MfaFactorRecord* existing = Find(mfa_store::Factors(sql, user->id), "totp");
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

Result<std::vector<std::string>> MfaService::ConfirmTotp(const AccessContext& caller,
                                                         const std::string& code) {
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<std::vector<std::string>>(
      [&](soci::session& sql) -> Result<std::vector<std::string>> {
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
        bool first_factor = !AnyConfirmed(factors);
        mfa_store::ConfirmFactor(sql, user->id, "totp", now);
        mfa_store::AdvanceCounter(sql, user->id, *counter);
        RecordConfirmedMethods(sql, user->id);
        QueueNotice(sql, *user, "An authenticator app was added as a second factor.", now);
        if (!first_factor) return std::vector<std::string>();
        return IssueRecoveryCodes(sql, user->id, now);
      });
}

Status MfaService::Disable(const AccessContext& caller, const std::string& method,
                           const std::string& password) {
  auto user = CheckPassword(caller.user_id, password);
  if (!user) return user.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  auto done = ctx_.db.Transaction<Ok>([&](soci::session& sql) -> Status {
    if (!mfa_store::DeleteFactor(sql, user->id, method)) {
      return MakeError(Errc::kNotFound, "no such factor");
    }
    if (!AnyConfirmed(mfa_store::Factors(sql, user->id))) {
      mfa_store::DeleteRecoveryCodes(sql, user->id);
    }
    RecordConfirmedMethods(sql, user->id);
    QueueNotice(sql, *user, "The second factor \"" + method + "\" was removed.", now);
    return Ok{};
  });
  if (done) ctx_.outbox.Notify();
  return done;
}

Result<std::vector<std::string>> MfaService::RegenerateRecoveryCodes(const AccessContext& caller,
                                                                     const std::string& password) {
  auto user = CheckPassword(caller.user_id, password);
  if (!user) return user.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<std::vector<std::string>>(
      [&](soci::session& sql) -> Result<std::vector<std::string>> {
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
      [&](soci::session& sql) -> Result<std::optional<MfaChallenge>> {
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
  return ctx_.db.Transaction<bool>([&](soci::session& sql) -> Result<bool> {
    if (method == "recovery_code") {
      return mfa_store::UseRecoveryCode(sql, user.id, RecoveryCodeHash(code), now);
    }
    const MfaFactorRecord* totp = nullptr;
    auto factors = mfa_store::Factors(sql, user.id);
    totp = Find(factors, "totp");
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

Result<TokenPair> MfaService::CompleteLogin(const std::string& mfa_token, const std::string& method,
                                            const std::string& code, const ClientInfo& client) {
  if (method != "totp" && method != "recovery_code") {
    return MakeError(Errc::kValidationFailed, "bad method",
                     "'method' must be one the sign-in offered (totp, recovery_code).");
  }
  if (!IsWellFormedLinkToken(mfa_token)) return DeadChallenge("malformed mfa_token");
  std::string hash = LinkTokenHash(mfa_token);
  std::int64_t now = ctx_.clock.NowSeconds();
  // Counted before the code is checked, atomically: parallel guesses cannot exceed the limit.
  auto counted = ctx_.db.Write<bool>([&](soci::session& sql) -> Result<bool> {
    return mfa_store::CountAttempt(sql, hash, kChallengeAttempts, now);
  });
  if (!counted) return counted.error();
  if (!*counted) return DeadChallenge("mfa_token used, expired or out of attempts");
  using Pending = std::pair<MfaChallengeRecord, UserRecord>;
  auto found = ctx_.db.Run<std::optional<Pending>>(
      [&](soci::session& sql) -> Result<std::optional<Pending>> {
        auto challenge = mfa_store::FindChallenge(sql, hash);
        if (!challenge) return std::optional<Pending>();
        auto user = user_store::FindById(sql, challenge->user_id);
        if (!user) return std::optional<Pending>();
        return std::optional<Pending>(Pending{*challenge, *user});
      });
  if (!found) return found.error();
  if (!*found) return DeadChallenge("challenge or user gone");
  const auto& [challenge, user] = **found;
  auto right = CheckSecondFactor(user, method, code);
  if (!right) return right.error();
  if (!*right) return WrongCode();
  auto used = ctx_.db.Write<bool>(
      [&](soci::session& sql) -> Result<bool> { return mfa_store::UseChallenge(sql, hash, now); });
  if (!used) return used.error();
  if (!*used) return DeadChallenge("mfa_token used concurrently");
  std::vector<std::string> amr = {"pwd", method == "totp" ? "otp" : "mfa"};
  return ctx_.tokens.StartSession(user, challenge.remember_me, amr, client);
}

}  // namespace gatehouse
