#include "auth/email_change_service.hpp"

#include "auth/link_tokens.hpp"
#include "auth/validation.hpp"
#include "core/time_format.hpp"
#include "crypto/random.hpp"
#include "notify/outbox_sender.hpp"
#include "store/email_change_store.hpp"
#include "store/one_time_token_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

constexpr std::int64_t kUndoSeconds = EmailChangeService::kUndoDays * 24 * 3600;

Error InvalidLink(std::string reason) {
  return MakeError(Errc::kInvalidToken, std::move(reason),
                   "The e-mail change link is invalid, used or expired.");
}

Error AddressTaken() {
  return MakeError(Errc::kConflict, "email taken meanwhile",
                   "Another account has this e-mail address now; nothing changed.");
}

}  // namespace

EmailChangeService::EmailChangeService(const AccountContext& context) : ctx_(context) {}

Status EmailChangeService::Request(const AccessContext& caller, const std::string& password,
                                   const std::string& raw_new_email) {
  auto new_email = RequireEmail(raw_new_email);
  if (!new_email) return new_email.error();
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  if (*new_email == user->email) {
    return MakeError(Errc::kValidationFailed, "same email",
                     "'new_email' is the account's address already.");
  }
  if (Status counted =
          ctx_.limiter.Require("email-change", PerHour(ctx_.config.accounts.verify_resend_per_hour),
                               user->id, "Too many e-mail changes for this account; try later.");
      !counted) {
    return counted;
  }
  const std::string& product = ctx_.config.mail.product_name;
  const std::string& links = ctx_.config.ui.link_base;
  std::int64_t now = ctx_.clock.NowSeconds();
  auto done = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    email_change_store::DeletePending(sql, user->id);
    if (user_store::FindByEmail(sql, *new_email)) {
      OutboxSender::Enqueue(sql, *new_email,
                            ctx_.templates.Render(MessageKind::kEmailChangeTaken,
                                                  {{"product", product}, {"email", *new_email}}),
                            now);
      return Ok{};
    }
    std::string confirm = NewLinkToken();
    std::string undo = NewLinkToken();
    EmailChangeRecord change;
    change.id = RandomUuid();
    change.user_id = user->id;
    change.old_email = user->email;
    change.new_email = *new_email;
    change.session_id = caller.session_id;
    change.confirm_hash = LinkTokenHash(confirm);
    change.undo_hash = LinkTokenHash(undo);
    change.created_at = now;
    change.confirm_expires_at = now + ctx_.config.accounts.verify_link_ttl_seconds;
    change.undo_expires_at = now + kUndoSeconds;
    email_change_store::Insert(sql, change);
    OutboxSender::Enqueue(
        sql, *new_email,
        ctx_.templates.Render(
            MessageKind::kEmailChangeConfirm,
            {{"product", product},
             {"name", user->NameOrEmail()},
             {"new_email", *new_email},
             {"link", links + "/confirm-email-change?token=" + confirm},
             {"link_hours", std::to_string(ctx_.config.accounts.verify_link_ttl_seconds / 3600)}}),
        now);
    OutboxSender::Enqueue(
        sql, user->email,
        ctx_.templates.Render(MessageKind::kEmailChangeNotice,
                              {{"product", product},
                               {"name", user->NameOrEmail()},
                               {"new_email", *new_email},
                               {"time", FormatRfc3339(now)},
                               {"undo_link", links + "/undo-email-change?token=" + undo},
                               {"undo_days", std::to_string(kUndoDays)}}),
        now);
    return Ok{};
  });
  if (!done) return done.error();
  ctx_.outbox.Notify();
  return Ok{};
}

Result<std::string> EmailChangeService::Confirm(const std::string& token,
                                                const ClientInfo& client) {
  if (!IsWellFormedLinkToken(token)) return InvalidLink("malformed email change token");
  std::int64_t now = ctx_.clock.NowSeconds();
  auto changed =
      ctx_.db.Transaction<EmailChangeRecord>([&](Connection& sql) -> Result<EmailChangeRecord> {
        auto change = email_change_store::FindByConfirmHash(sql, LinkTokenHash(token));
        if (!change || change->confirm_expires_at <= now) {
          return InvalidLink("unknown or expired email change token");
        }
        auto user = user_store::FindById(sql, change->user_id);
        // The account's address changed otherwise since (another change, an administrator).
        if (!user || user->email != change->old_email) {
          return InvalidLink("email changed since the request");
        }
        if (!email_change_store::MarkConfirmed(sql, change->id, now)) {
          return InvalidLink("email change used or undone");
        }
        if (!user_store::ChangeEmail(sql, user->id, change->new_email, now)) {
          return AddressTaken();
        }
        // Links sent to the old address must not reach the account any more.
        one_time_token_store::VoidUnused(sql, user->id, token_purpose::kResetPassword, now);
        ctx_.security_log.Append(
            sql, {SecurityEventType::kEmailChanged,
                  user->id,
                  change->session_id,
                  "",
                  client,
                  {{"old_email", change->old_email}, {"new_email", change->new_email}}});
        return *change;
      });
  if (!changed) return changed.error();
  auto revoked = ctx_.tokens.RevokeUserSessions(changed->user_id, changed->session_id);
  if (!revoked) return revoked.error();
  return changed->new_email;
}

Result<std::string> EmailChangeService::Undo(const std::string& token, const ClientInfo& client) {
  if (!IsWellFormedLinkToken(token)) return InvalidLink("malformed email change token");
  std::int64_t now = ctx_.clock.NowSeconds();
  auto restored =
      ctx_.db.Transaction<EmailChangeRecord>([&](Connection& sql) -> Result<EmailChangeRecord> {
        auto change = email_change_store::FindByUndoHash(sql, LinkTokenHash(token));
        if (!change || change->undo_expires_at <= now) {
          return InvalidLink("unknown or expired email change undo token");
        }
        auto user = user_store::FindById(sql, change->user_id);
        if (!user) return InvalidLink("account gone");
        if (!email_change_store::MarkUndone(sql, change->id, now)) {
          return InvalidLink("email change undone already");
        }
        if (user->email != change->old_email) {
          if (!user_store::ChangeEmail(sql, user->id, change->old_email, now)) {
            return AddressTaken();
          }
          ctx_.security_log.Append(
              sql,
              {SecurityEventType::kEmailChanged,
               user->id,
               "",
               "",
               client,
               {{"old_email", user->email}, {"new_email", change->old_email}, {"undone", true}}});
          user->email = change->old_email;
        }
        // Whoever asked knew the password: the owner chooses a new one.
        QueuePasswordLink(ctx_, sql, *user, MessageKind::kPasswordReset, now);
        return *change;
      });
  if (!restored) return restored.error();
  ctx_.outbox.Notify();
  auto revoked = ctx_.tokens.RevokeUserSessions(restored->user_id, "");
  if (!revoked) return revoked.error();
  return restored->old_email;
}

}  // namespace gatehouse
