#include "auth/mfa_login.hpp"

#include "auth/link_tokens.hpp"
#include "auth/mfa_factors.hpp"
#include "auth/recovery_codes.hpp"
#include "crypto/totp.hpp"
#include "notify/outbox_sender.hpp"
#include "store/mfa_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

constexpr std::int64_t kChallengeSeconds = std::int64_t{5} * 60;
constexpr int kChallengeAttempts = 5;

// The access token's amr (RFC 8176 values where one fits; "email" is not registered): "mfa"
// on every sign-in that took a second factor, so a relying party can check for that alone.
std::vector<std::string> AmrFor(FactorMethod method) {
  switch (method) {
    case FactorMethod::kTotp: return {"pwd", "otp", "mfa"};
    case FactorMethod::kSms: return {"pwd", "sms", "mfa"};
    case FactorMethod::kEmail: return {"pwd", "email", "mfa"};
    case FactorMethod::kRecoveryCode: break;
  }
  return {"pwd", "mfa"};
}

Error DeadChallenge(std::string reason) {
  return MakeError(Errc::kInvalidToken, std::move(reason),
                   "The sign-in attempt expired or had too many wrong codes; sign in again.");
}

}  // namespace

Result<FactorMethod> SignInMethod(std::string_view name) {
  auto method = ParseFactorMethod(name);
  if (!method) {
    return MakeError(Errc::kValidationFailed, "bad method",
                     "'method' must be one the sign-in offered (totp, email, sms, recovery_code).");
  }
  return *method;
}

MfaLogin::MfaLogin(const AccountContext& context, const SecretBox& box)
    : ctx_(context), box_(box), codes_(context, box) {}

Result<std::optional<MfaChallenge>> MfaLogin::ChallengeIfEnrolled(const UserRecord& user,
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
        challenge.methods.push_back(FactorMethod::kRecoveryCode);
        MfaChallengeRecord record;
        record.token_hash = LinkTokenHash(challenge.mfa_token);
        record.user_id = user.id;
        record.remember_me = remember_me;
        record.expires_at = now + kChallengeSeconds;
        mfa_store::InsertChallenge(sql, record, now);
        return std::optional<MfaChallenge>(std::move(challenge));
      });
}

Result<bool> MfaLogin::CheckSecondFactor(const UserRecord& user, FactorMethod method,
                                         const std::string& code) {
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<bool>([&](Connection& sql) -> Result<bool> {
    if (method == FactorMethod::kRecoveryCode) return UseRecoveryCode(sql, user.id, code, now);
    if (SendsCodes(method)) {
      // A wrong code is false, not an error, so that its count is committed.
      return HasSecondFactor(user, method) && codes_.Use(sql, user.id, method, code, now);
    }
    auto factors = mfa_store::Factors(sql, user.id);
    const MfaFactorRecord* totp = FindFactor(factors, FactorMethod::kTotp);
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

Result<std::pair<MfaChallengeRecord, UserRecord>> MfaLogin::FindLiveChallenge(
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

Result<CodeSent> MfaLogin::SendLoginCode(const std::string& mfa_token, FactorMethod method) {
  if (!SendsCodes(method)) {
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
  const MfaFactorRecord* factor = FindFactor(*factors, method);
  if (!factor || !factor->confirmed_at) {
    return MakeError(Errc::kValidationFailed, "method not set up",
                     "'method' must be one the sign-in offered.");
  }
  std::string destination = method == FactorMethod::kSms ? factor->phone.value_or("") : user.email;
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

Result<TokenPair> MfaLogin::CompleteLogin(const std::string& mfa_token, FactorMethod method,
                                          const std::string& code, const ClientInfo& client) {
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
