#include "auth/login_service.hpp"

#include <spdlog/spdlog.h>

#include "auth/validation.hpp"
#include "ops/metrics.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

Error BadCredentials(const char* reason) {
  ++GlobalMetrics().logins_failed;
  return MakeError(Errc::kInvalidCredentials, reason, "The e-mail address or password is wrong.");
}

}  // namespace

LoginService::LoginService(Database& db, PasswordHasher& hasher, TokenService& tokens,
                           MfaService& mfa, const Config& config, const Clock& clock)
    : db_(db), hasher_(hasher), tokens_(tokens), mfa_(mfa), config_(config), clock_(clock) {}

Result<LoginOutcome> LoginService::Login(const LoginRequest& request, const ClientInfo& client) {
  auto email = NormalizeEmail(request.email);
  std::optional<UserRecord> user;
  if (email) {
    auto found = db_.Run<std::optional<UserRecord>>(
        [&](soci::session& sql) -> Result<std::optional<UserRecord>> {
          return user_store::FindByEmail(sql, *email);
        });
    if (!found) return found.error();
    user = std::move(*found);
  }
  if (!user) {
    // Spend the time a real check takes: response time must not reveal unknown addresses.
    Status spent = hasher_.VerifyAgainstDummy(request.password);
    if (!spent) return spent.error();
    return BadCredentials("unknown e-mail");
  }
  auto check = hasher_.Verify(request.password, user->password_hash);
  if (!check) return check.error();
  if (!check->matches) return BadCredentials("wrong password");

  if (check->needs_rehash) {
    // Parameters were raised since this hash was made: upgrade it now that we know the password.
    auto fresh = hasher_.Hash(request.password);
    if (fresh) {
      auto saved = db_.Transaction<Ok>([&](soci::session& sql) -> Status {
        user_store::UpdatePasswordHash(sql, user->id, *fresh, clock_.NowSeconds());
        return Ok{};
      });
      if (!saved) spdlog::warn("password rehash not saved: {}", saved.error().reason);
    }
  }
  if (config_.accounts.require_verified_email && !user->email_verified) {
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
  auto pair = tokens_.StartSession(*user, request.remember_me, {"pwd"}, client);
  if (!pair) return pair.error();
  ++GlobalMetrics().logins_succeeded;
  outcome.tokens = std::move(*pair);
  return outcome;
}

}  // namespace gatehouse
