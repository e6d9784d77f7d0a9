#include "auth/password_service.hpp"

#include <spdlog/spdlog.h>

#include "auth/link_tokens.hpp"
#include "auth/security_log.hpp"
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

PasswordService::PasswordService(const AccountContext& context) : ctx_(context) {}

Status PasswordService::ReplacePassword(const UserRecord& user, const std::string& hash,
                                        const std::string& keep_session_id,
                                        const SecurityEvent& event,
                                        const std::function<Status(Connection&)>& inside) {
  auto before = ctx_.tokens.RevokeUserSessions(user.id, keep_session_id);
  if (!before) return before.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  auto stored = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    if (Status allowed = inside(sql); !allowed) return allowed;
    user_store::UpdatePasswordHash(sql, user.id, hash, now);
    ctx_.security_log.Append(sql, event);
    // A reset link asked for before this change must not undo it.
    one_time_token_store::VoidUnused(sql, user.id, token_purpose::kResetPassword, now);
    RenderedMessage notice =
        ctx_.templates.Render(MessageKind::kPasswordChanged,
                              {{"product", ctx_.config.mail.product_name},
                               {"name", user.NameOrEmail()},
                               {"time", FormatRfc3339(now)},
                               {"reset_url", ctx_.config.ui.link_base + "/forgot-password"}});
    OutboxSender::Enqueue(sql, user.email, notice, now);
    return Ok{};
  });
  if (!stored) return stored.error();
  ctx_.outbox.Notify();
  auto after = ctx_.tokens.RevokeUserSessions(user.id, keep_session_id);
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
  auto user = CheckPasswordOf(ctx_, caller.user_id, current_password);
  if (!user) return user.error();
  if (auto why = ctx_.policy.Check(new_password, user->email, user->name)) {
    return MakeError(Errc::kWeakPassword, "password policy", *why);
  }
  auto hash = ctx_.hasher.Hash(new_password);
  if (!hash) return hash.error();
  return ReplacePassword(
      *user, *hash, caller.session_id,
      {SecurityEventType::kPasswordChanged, user->id, caller.session_id, "", caller.client},
      [](Connection&) -> Status { return Ok{}; });
}

Status PasswordService::ForgotPassword(const std::string& raw_email, const ClientInfo& client) {
  auto email = RequireEmail(raw_email);
  if (!email) return email.error();
  if (Status counted = ctx_.limiter.Require(
          "forgot-password", PerHour(ctx_.config.accounts.forgot_password_per_hour), *email,
          "Too many password reset e-mails for this address; try later.");
      !counted) {
    return counted;
  }
  std::int64_t now = ctx_.clock.NowSeconds();
  auto queued = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto user = user_store::FindByEmail(sql, *email);
    if (user) {
      QueuePasswordLink(ctx_, sql, *user, MessageKind::kPasswordReset, now);
      ctx_.security_log.Append(
          sql, {SecurityEventType::kPasswordResetRequested, user->id, "", "", client});
      return Ok{};
    }
    OutboxSender::Enqueue(
        sql, *email,
        ctx_.templates.Render(MessageKind::kPasswordResetNoAccount,
                              {{"product", ctx_.config.mail.product_name},
                               {"email", *email},
                               {"register_url", ctx_.config.ui.link_base + "/sign-up"}}),
        now);
    return Ok{};
  });
  if (!queued) return queued.error();
  ctx_.outbox.Notify();
  return Ok{};
}

Status PasswordService::ResetPassword(const std::string& token, const std::string& new_password,
                                      const ClientInfo& client) {
  if (!IsWellFormedLinkToken(token)) return InvalidResetLink("malformed reset token");
  std::int64_t now = ctx_.clock.NowSeconds();
  // Read first (not used up yet): a password the policy refuses leaves the link usable.
  auto user = ctx_.db.Run<std::optional<UserRecord>>(
      [&](Connection& sql) -> Result<std::optional<UserRecord>> {
        auto row = one_time_token_store::FindBySecretHash(sql, token_purpose::kResetPassword,
                                                          LinkTokenHash(token));
        if (!row || row->used_at || row->expires_at <= now) return std::optional<UserRecord>();
        return user_store::FindById(sql, row->user_id);
      });
  if (!user) return user.error();
  if (!*user) return InvalidResetLink("unknown, used or expired reset token");
  if (auto why = ctx_.policy.Check(new_password, (*user)->email, (*user)->name)) {
    return MakeError(Errc::kWeakPassword, "password policy", *why);
  }
  auto hash = ctx_.hasher.Hash(new_password);
  if (!hash) return hash.error();
  SecurityEvent reset{SecurityEventType::kPasswordReset, (*user)->id, "", "", client};
  return ReplacePassword(
      **user, *hash, /*keep_session_id=*/"", reset, [&](Connection& sql) -> Status {
        // The compare-and-set that makes the link single use, even against a concurrent reset.
        auto row =
            ConsumeLinkToken(sql, token_purpose::kResetPassword, token, ctx_.clock.NowSeconds());
        if (!row || row->user_id != (*user)->id)
          return InvalidResetLink("reset token used meanwhile");
        user_store::MarkEmailVerified(sql, row->user_id, ctx_.clock.NowSeconds());
        return Ok{};
      });
}

}  // namespace gatehouse
