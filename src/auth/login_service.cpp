#include "auth/login_service.hpp"

#include <spdlog/spdlog.h>

#include "auth/security_log.hpp"
#include "auth/validation.hpp"
#include "ops/metrics.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

Error BadCredentials(const char* reason) {
  ++GlobalMetrics().logins_failed;
  return MakeError(Errc::kInvalidCredentials, reason, "The e-mail address or password is wrong.");
}

// A sign-in refused for `reason`, in the security log: `user_id` empty for an unknown address
// (which is not recorded: it may be anyone's).
void RecordFailure(const AccountContext& ctx, const std::string& user_id, const char* reason,
                   const ClientInfo& client) {
  ctx.security_log.Record({SecurityEventType::kSignInFailed,
                           user_id,
                           "",
                           "",
                           client,
                           {{"method", "password"}, {"reason", reason}}});
}

}  // namespace

LoginService::LoginService(const AccountContext& context, MfaLogin& mfa)
    : ctx_(context), mfa_(mfa) {}

Result<LoginOutcome> LoginService::Login(const LoginRequest& request, const ClientInfo& client) {
  auto email = NormalizeEmail(request.email);
  std::optional<UserRecord> user;
  if (email) {
    // Counted for any address, known or not: the delay says nothing about existence.
    if (Status taken = ctx_.attempts.Take(*email); !taken) return taken.error();
    auto found = ctx_.db.Run<std::optional<UserRecord>>(
        [&](Connection& sql) -> Result<std::optional<UserRecord>> {
          return user_store::FindByEmail(sql, *email);
        });
    if (!found) return found.error();
    user = std::move(*found);
  }
  if (!user) {
    // Spend the time a real check takes: response time must not reveal unknown addresses.
    Status spent = ctx_.hasher.VerifyAgainstDummy(request.password);
    if (!spent) return spent.error();
    RecordFailure(ctx_, "", "unknown_email", client);
    return BadCredentials("unknown e-mail");
  }
  // Whatever the password: a disabled account is closed to everyone (and no attempt on it
  // counts as a wrong password against its owner).
  if (user->disabled_at != 0) {
    RecordFailure(ctx_, user->id, "account_disabled", client);
    return AccountDisabled();
  }
  auto check = ctx_.hasher.Verify(request.password, user->password_hash);
  if (!check) return check.error();
  if (!check->matches) {
    RecordFailure(ctx_, user->id, "wrong_password", client);
    return BadCredentials("wrong password");
  }

  if (check->needs_rehash) {
    // Parameters were raised since this hash was made: upgrade it now that we know the password.
    auto fresh = ctx_.hasher.Hash(request.password);
    if (fresh) {
      auto saved = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
        user_store::UpdatePasswordHash(sql, user->id, *fresh, ctx_.clock.NowSeconds());
        return Ok{};
      });
      if (!saved) spdlog::warn("password rehash not saved: {}", saved.error().reason);
    }
  }
  if (ctx_.config.accounts.require_verified_email && !user->email_verified) {
    RecordFailure(ctx_, user->id, "email_not_verified", client);
    return MakeError(Errc::kEmailNotVerified, "e-mail not verified",
                     "Verify your e-mail address before signing in.");
  }
  LoginOutcome outcome;
  auto challenge = mfa_.ChallengeIfEnrolled(*user, request.remember_me);
  if (!challenge) return challenge.error();
  if (*challenge) {
    outcome.challenge = std::move(**challenge);
    return outcome;
  }
  auto pair = ctx_.tokens.StartSession(*user, request.remember_me, {"pwd"}, client);
  if (!pair) return pair.error();
  // Only a completed sign-in resets the count: a right password that still owes a second
  // factor does not, or each new challenge would bring new guesses.
  ctx_.attempts.Reset(user->email);
  ++GlobalMetrics().logins_succeeded;
  outcome.tokens = std::move(*pair);
  return outcome;
}

}  // namespace gatehouse
