#include "auth/password_service.hpp"

#include <spdlog/spdlog.h>

#include "auth/link_tokens.hpp"
#include "auth/validation.hpp"
#include "core/time_format.hpp"
#include "notify/outbox_sender.hpp"
#include "store/one_time_token_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

Error InvalidResetLink(std::string reason) {
  return MakeError(Errc::kInvalidToken, std::move(reason),
                   "The password reset link is invalid, used or expired; ask for a new one.");
}

}  // namespace

PasswordService::PasswordService(Database& db, Cache& cache, PasswordHasher& hasher,
                                 TokenService& tokens, OutboxSender& outbox,
                                 const MessageTemplates& templates, const PasswordPolicy& policy,
                                 const Config& config, const Clock& clock)
    : db_(db),
      cache_(cache),
      hasher_(hasher),
      tokens_(tokens),
      outbox_(outbox),
      templates_(templates),
      policy_(policy),
      config_(config),
      clock_(clock) {}

Status PasswordService::ReplacePassword(const UserRecord& user, const std::string& hash,
                                        const std::string& keep_session_id,
                                        const std::function<Status(soci::session&)>& inside) {
  auto before = tokens_.RevokeUserSessions(user.id, keep_session_id);
  if (!before) return before.error();
  std::int64_t now = clock_.NowSeconds();
  auto stored = db_.Transaction<Ok>([&](soci::session& sql) -> Status {
    if (Status allowed = inside(sql); !allowed) return allowed;
    user_store::UpdatePasswordHash(sql, user.id, hash, now);
    // A reset link asked for before this change must not undo it.
    one_time_token_store::VoidUnused(sql, user.id, token_purpose::kResetPassword, now);
    RenderedMessage notice =
        templates_.Render(MessageKind::kPasswordChanged,
                          {{"product", config_.mail.product_name},
                           {"name", user.name.empty() ? user.email : user.name},
                           {"time", FormatRfc3339(now)},
                           {"reset_url", config_.server.public_url + "/forgot-password"}});
    OutboxSender::Enqueue(sql, user.email, notice, now);
    return Ok{};
  });
  if (!stored) return stored.error();
  outbox_.Notify();
  auto after = tokens_.RevokeUserSessions(user.id, keep_session_id);
  if (!after) {
    spdlog::error("password of user {} changed but sessions not revoked: {}", user.id,
                  after.error().reason);
    return MakeError(Errc::kUnavailable, after.error().reason,
                     "The password was changed, but other sessions could not all be signed "
                     "out; sign them out from the sessions list.");
  }
  return Ok{};
}

Status PasswordService::ChangePassword(const AccessContext& caller,
                                       const std::string& current_password,
                                       const std::string& new_password) {
  auto user = db_.Run<std::optional<UserRecord>>(
      [&](soci::session& sql) -> Result<std::optional<UserRecord>> {
        return user_store::FindById(sql, caller.user_id);
      });
  if (!user) return user.error();
  if (!*user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
  auto check = hasher_.Verify(current_password, (*user)->password_hash);
  if (!check) return check.error();
  if (!check->matches) {
    return MakeError(Errc::kInvalidCredentials, "wrong current password",
                     "The current password is wrong.");
  }
  if (auto why = policy_.Check(new_password, (*user)->email, (*user)->name)) {
    return MakeError(Errc::kWeakPassword, "password policy", *why);
  }
  auto hash = hasher_.Hash(new_password);
  if (!hash) return hash.error();
  return ReplacePassword(**user, *hash, caller.session_id,
                         [](soci::session&) -> Status { return Ok{}; });
}

Status PasswordService::ForgotPassword(const std::string& raw_email) {
  auto email = NormalizeEmail(raw_email);
  if (!email) {
    return MakeError(Errc::kValidationFailed, "bad e-mail", "'email' is not a valid address.");
  }
  // Counted per address whether or not it has an account, so the limit reveals nothing.
  auto count = cache_.Increment("forgot-password:" + *email, 1, std::chrono::hours(1));
  if (count && *count > config_.accounts.forgot_password_per_hour) {
    Error limited = MakeError(Errc::kRateLimited, "forgot-password limit",
                              "Too many password reset e-mails for this address; try later.");
    limited.retry_after_seconds = 3600;
    return limited;
  }
  std::int64_t now = clock_.NowSeconds();
  auto queued = db_.Transaction<Ok>([&](soci::session& sql) -> Status {
    auto user = user_store::FindByEmail(sql, *email);
    RenderedMessage message;
    if (user) {
      std::string token = IssueLinkToken(sql, user->id, token_purpose::kResetPassword,
                                         config_.accounts.reset_link_ttl_seconds, now);
      message = templates_.Render(
          MessageKind::kPasswordReset,
          {{"product", config_.mail.product_name},
           {"name", user->name.empty() ? user->email : user->name},
           {"link", config_.server.public_url + "/reset-password?token=" + token},
           {"link_minutes", std::to_string(config_.accounts.reset_link_ttl_seconds / 60)}});
    } else {
      message = templates_.Render(MessageKind::kPasswordResetNoAccount,
                                  {{"product", config_.mail.product_name},
                                   {"email", *email},
                                   {"register_url", config_.server.public_url + "/register"}});
    }
    OutboxSender::Enqueue(sql, *email, message, now);
    return Ok{};
  });
  if (!queued) return queued.error();
  outbox_.Notify();
  return Ok{};
}

Status PasswordService::ResetPassword(const std::string& token, const std::string& new_password) {
  if (!IsWellFormedLinkToken(token)) return InvalidResetLink("malformed reset token");
  std::int64_t now = clock_.NowSeconds();
  // Read first (not used up yet): a password the policy refuses leaves the link usable.
  auto user = db_.Run<std::optional<UserRecord>>(
      [&](soci::session& sql) -> Result<std::optional<UserRecord>> {
        auto row = one_time_token_store::FindBySecretHash(sql, token_purpose::kResetPassword,
                                                          LinkTokenHash(token));
        if (!row || row->used_at || row->expires_at <= now) return std::optional<UserRecord>();
        return user_store::FindById(sql, row->user_id);
      });
  if (!user) return user.error();
  if (!*user) return InvalidResetLink("unknown, used or expired reset token");
  if (auto why = policy_.Check(new_password, (*user)->email, (*user)->name)) {
    return MakeError(Errc::kWeakPassword, "password policy", *why);
  }
  auto hash = hasher_.Hash(new_password);
  if (!hash) return hash.error();
  return ReplacePassword(**user, *hash, /*keep_session_id=*/"", [&](soci::session& sql) -> Status {
    // The compare-and-set that makes the link single use, even against a concurrent reset.
    auto row = ConsumeLinkToken(sql, token_purpose::kResetPassword, token, clock_.NowSeconds());
    if (!row || row->user_id != (*user)->id) return InvalidResetLink("reset token used meanwhile");
    user_store::MarkEmailVerified(sql, row->user_id, clock_.NowSeconds());
    return Ok{};
  });
}

}  // namespace gatehouse
