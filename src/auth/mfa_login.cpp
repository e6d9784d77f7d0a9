#include "auth/mfa_login.hpp"

#include "auth/link_tokens.hpp"
#include "auth/mfa_factors.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/security_log.hpp"
#include "notify/outbox_sender.hpp"
#include "store/mfa_store.hpp"
#include "store/passkey_store.hpp"
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
    case FactorMethod::kWebauthn: return {"pwd", "webauthn", "mfa"};
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
                     "'method' must be one the sign-in offered (totp, email, sms, webauthn, "
                     "recovery_code).");
  }
  return *method;
}

MfaLogin::MfaLogin(const AccountContext& context, const SecretBox& box,
                   const PasskeyCeremonies& passkeys)
    : ctx_(context), box_(box), codes_(context, box), passkeys_(passkeys) {}

Result<std::optional<MfaChallenge>> MfaLogin::ChallengeIfEnrolled(const UserRecord& user,
                                                                  bool remember_me) {
  if (user.second_factors.empty()) return std::optional<MfaChallenge>();  // no query needed
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<std::optional<MfaChallenge>>(
      [&](Connection& sql) -> Result<std::optional<MfaChallenge>> {
        std::vector<FactorMethod> methods = ConfirmedMethods(sql, user.id);
        if (methods.empty()) return std::optional<MfaChallenge>();
        MfaChallenge challenge;
        challenge.mfa_token = NewLinkToken();
        challenge.methods = std::move(methods);
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
    switch (method) {
      case FactorMethod::kRecoveryCode: return UseRecoveryCode(sql, user.id, code, now);
      case FactorMethod::kEmail:
      case FactorMethod::kSms:
        // A wrong code is false, not an error, so that its count is committed.
        return HasSecondFactor(user, method) && codes_.Use(sql, user.id, method, code, now);
      case FactorMethod::kTotp: return UseTotpCode(sql, box_, user.id, code, now);
      case FactorMethod::kWebauthn: break;  // an assertion, not a code: CompleteWithPasskey
    }
    return false;
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

Result<std::pair<MfaChallengeRecord, UserRecord>> MfaLogin::OpenChallenge(
    const std::string& mfa_token, std::int64_t now) {
  if (!IsWellFormedLinkToken(mfa_token)) return DeadChallenge("malformed mfa_token");
  auto found = FindLiveChallenge(LinkTokenHash(mfa_token), now);
  if (!found) return found.error();
  if (found->first.attempts >= kChallengeAttempts) return DeadChallenge("out of attempts");
  return found;
}

Result<CodeSent> MfaLogin::SendLoginCode(const std::string& mfa_token, FactorMethod method) {
  if (!SendsCodes(method)) {
    return MakeError(Errc::kValidationFailed, "bad method", "'method' must be email or sms.");
  }
  std::int64_t now = ctx_.clock.NowSeconds();
  auto found = OpenChallenge(mfa_token, now);
  if (!found) return found.error();
  const UserRecord& user = found->second;  // named, not bound: lambdas below capture it
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

Result<std::pair<MfaChallengeRecord, UserRecord>> MfaLogin::TakeAttempt(
    const std::string& mfa_token) {
  if (!IsWellFormedLinkToken(mfa_token)) return DeadChallenge("malformed mfa_token");
  std::string hash = LinkTokenHash(mfa_token);
  std::int64_t now = ctx_.clock.NowSeconds();
  // Counted before the factor is checked, atomically: parallel guesses cannot exceed the
  // limit.
  auto counted = ctx_.db.Write<bool>([&](Connection& sql) -> Result<bool> {
    return mfa_store::CountAttempt(sql, hash, kChallengeAttempts, now);
  });
  if (!counted) return counted.error();
  if (!*counted) return DeadChallenge("mfa_token used, expired or out of attempts");
  return FindLiveChallenge(hash, now);
}

void MfaLogin::RecordCheck(const std::string& user_id, FactorMethod method,
                           const std::string& failure, const ClientInfo& client) const {
  nlohmann::json detail = {{"method", NameOf(method)}};
  if (!failure.empty()) detail["reason"] = failure;
  ctx_.security_log.Record({failure.empty() ? SecurityEventType::kSecondFactorSucceeded
                                            : SecurityEventType::kSecondFactorFailed,
                            user_id, "", "", client, std::move(detail)});
}

Result<TokenPair> MfaLogin::Finish(const MfaChallengeRecord& challenge, const UserRecord& user,
                                   FactorMethod method, const ClientInfo& client,
                                   const std::function<Status(Connection&)>& with) {
  std::int64_t now = ctx_.clock.NowSeconds();
  auto used = ctx_.db.Write<bool>([&](Connection& sql) -> Result<bool> {
    return mfa_store::UseChallenge(sql, challenge.token_hash, now);
  });
  if (!used) return used.error();
  if (!*used) return DeadChallenge("mfa_token used concurrently");
  return ctx_.tokens.StartSession(user, challenge.remember_me, AmrFor(method), client, with);
}

Result<TokenPair> MfaLogin::CompleteLogin(const std::string& mfa_token, FactorMethod method,
                                          const std::string& code, const ClientInfo& client) {
  if (method == FactorMethod::kWebauthn) {
    return MakeError(Errc::kValidationFailed, "webauthn without an assertion",
                     "'assertion' is required with method webauthn.");
  }
  auto found = TakeAttempt(mfa_token);
  if (!found) return found.error();
  const auto& [challenge, user] = *found;
  // Guesses count against the account too, so fresh challenges do not buy fresh guesses.
  if (Status taken = ctx_.attempts.Take(user.email); !taken) return taken.error();
  auto right = CheckSecondFactor(user, method, code);
  if (!right) return right.error();
  RecordCheck(user.id, method, *right ? "" : "wrong_code", client);
  if (!*right) return WrongCode();
  if (method == FactorMethod::kRecoveryCode) {
    ctx_.security_log.Record({SecurityEventType::kRecoveryCodeUsed, user.id, "", "", client});
  }
  ctx_.attempts.Reset(user.email);
  return Finish(challenge, user, method, client, {});
}

Result<nlohmann::json> MfaLogin::PasskeyOptions(const std::string& mfa_token) {
  auto rp = passkeys_.Party();
  if (!rp) return rp.error();
  auto found = OpenChallenge(mfa_token, ctx_.clock.NowSeconds());
  if (!found) return found.error();
  const std::string& user_id = found->second.id;
  auto passkeys = ctx_.db.Run<std::vector<PasskeyRecord>>(
      [&](Connection& sql) -> Result<std::vector<PasskeyRecord>> {
        return passkey_store::OfUser(sql, user_id);
      });
  if (!passkeys) return passkeys.error();
  if (passkeys->empty()) {
    return MakeError(Errc::kValidationFailed, "no passkey",
                     "This account has no passkey; use another method the sign-in offered.");
  }
  std::vector<std::string> allow;
  for (const PasskeyRecord& p : *passkeys) allow.push_back(p.credential_id);
  // The password was the first factor: a touch of the key is enough for the second.
  return RequestOptions(**rp,
                        passkeys_.IssueChallenge(kSecondFactorCeremony, found->first.token_hash),
                        allow, "discouraged");
}

Result<TokenPair> MfaLogin::CompleteWithPasskey(const std::string& mfa_token,
                                                const AssertionResponse& assertion,
                                                const ClientInfo& client) {
  auto found = TakeAttempt(mfa_token);
  if (!found) return found.error();
  const auto& [challenge, user] = *found;
  auto accepted = passkeys_.CheckSecondFactor(assertion, user, challenge.token_hash);
  if (!accepted && accepted.error().code != Errc::kUnavailable) {
    RecordCheck(user.id, FactorMethod::kWebauthn, accepted.error().reason, client);
  }
  if (!accepted) return accepted.error();
  RecordCheck(user.id, FactorMethod::kWebauthn, "", client);
  std::int64_t now = ctx_.clock.NowSeconds();
  return Finish(challenge, user, FactorMethod::kWebauthn, client,
                PasskeyCeremonies::UseToRecord(*accepted, now));
}

}  // namespace gatehouse
