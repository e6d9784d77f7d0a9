#include "auth/account_service.hpp"

#include <algorithm>

#include "auth/link_tokens.hpp"
#include "auth/security_log.hpp"
#include "auth/validation.hpp"
#include "crypto/random.hpp"
#include "notify/outbox_sender.hpp"
#include "store/one_time_token_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kVerifyCodeDigits = 6;

Error InvalidVerification(std::string reason) {
  return MakeError(Errc::kInvalidToken, std::move(reason),
                   "The verification link or code is invalid, used or expired.");
}

// Codes have only a million values, so their hash is salted with the row id; the real
// defence is the attempt limit.
std::string CodeHash(const std::string& token_id, const std::string& code) {
  return Sha256Hex(token_id + ":" + code);
}

}  // namespace

AccountService::AccountService(const AccountContext& context) : ctx_(context) {}

void AccountService::QueueVerification(Connection& sql, const UserRecord& user, std::int64_t now) {
  std::string link_token = IssueLinkToken(sql, user.id, token_purpose::kVerifyEmailLink,
                                          ctx_.config.accounts.verify_link_ttl_seconds, now);
  one_time_token_store::VoidUnused(sql, user.id, token_purpose::kVerifyEmailCode, now);
  std::string code = RandomDigits(kVerifyCodeDigits);
  OneTimeTokenRecord code_row;
  code_row.id = RandomUuid();
  code_row.purpose = token_purpose::kVerifyEmailCode;
  code_row.user_id = user.id;
  code_row.secret_hash = CodeHash(code_row.id, code);
  code_row.expires_at = now + ctx_.config.accounts.verify_code_ttl_seconds;
  code_row.created_at = now;
  one_time_token_store::Insert(sql, code_row);

  RenderedMessage message = ctx_.templates.Render(
      MessageKind::kVerifyEmail,
      {{"product", ctx_.config.mail.product_name},
       {"name", user.NameOrEmail()},
       {"link", ctx_.config.ui.link_base + "/verify-email?token=" + link_token},
       {"code", code},
       {"link_hours", std::to_string(ctx_.config.accounts.verify_link_ttl_seconds / 3600)},
       {"code_minutes", std::to_string(ctx_.config.accounts.verify_code_ttl_seconds / 60)}});
  OutboxSender::Enqueue(sql, user.email, message, now);
}

Status AccountService::Register(const RegisterRequest& request, const ClientInfo& client) {
  auto email = RequireEmail(request.email);
  if (!email) return email.error();
  if (auto why = CheckName(request.name)) {
    return MakeError(Errc::kValidationFailed, "bad name", *why);
  }
  if (auto why = ctx_.policy.Check(request.password, *email, request.name)) {
    return MakeError(Errc::kWeakPassword, "password policy", *why);
  }
  // Hash before looking the address up, so a taken address costs the same time.
  auto hash = ctx_.hasher.Hash(request.password);
  if (!hash) return hash.error();

  std::int64_t now = ctx_.clock.NowSeconds();
  auto done = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    UserRecord user;
    user.id = RandomUuid();
    user.email = *email;
    user.name = request.name;
    user.password_hash = *hash;
    user.created_at = user.updated_at = now;
    if (!user_store::FindByEmail(sql, *email) && user_store::Insert(sql, user)) {
      QueueVerification(sql, user, now);
      ctx_.security_log.Append(
          sql,
          {SecurityEventType::kUserCreated, user.id, "", "", client, {{"via", "registration"}}});
      return Ok{};
    }
    auto existing = user_store::FindByEmail(sql, *email);
    RenderedMessage notice = ctx_.templates.Render(
        MessageKind::kAccountExists, {{"product", ctx_.config.mail.product_name},
                                      {"name", existing ? existing->NameOrEmail() : *email},
                                      {"login_url", ctx_.config.ui.link_base + "/sign-in"}});
    OutboxSender::Enqueue(sql, *email, notice, now);
    return Ok{};
  });
  if (!done) return done.error();
  ctx_.outbox.Notify();
  return Ok{};
}

Status AccountService::VerifyEmailByToken(const std::string& token, const ClientInfo& client) {
  if (!IsWellFormedLinkToken(token)) return InvalidVerification("malformed link token");
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto row = ConsumeLinkToken(sql, token_purpose::kVerifyEmailLink, token, now);
    if (!row) return InvalidVerification("unknown, used or expired link token");
    user_store::MarkEmailVerified(sql, row->user_id, now);
    one_time_token_store::VoidUnused(sql, row->user_id, token_purpose::kVerifyEmailCode, now);
    ctx_.security_log.Append(
        sql, {SecurityEventType::kEmailVerified, row->user_id, "", "", client, {{"via", "link"}}});
    return Ok{};
  });
}

Status AccountService::VerifyEmailByCode(const std::string& raw_email, const std::string& code,
                                         const ClientInfo& client) {
  auto email = RequireEmail(raw_email);
  if (!email) return email.error();
  if (code.size() != kVerifyCodeDigits ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return MakeError(Errc::kValidationFailed, "bad code", "'code' must be 6 digits.");
  }
  std::int64_t now = ctx_.clock.NowSeconds();
  // The transaction commits wrong guesses too (the attempt counter must stick), so the
  // outcome travels as a value.
  auto matched = ctx_.db.Transaction<bool>([&](Connection& sql) -> Result<bool> {
    auto user = user_store::FindByEmail(sql, *email);
    if (!user) return false;
    auto row =
        one_time_token_store::FindLatestUnused(sql, user->id, token_purpose::kVerifyEmailCode);
    if (!row || row->expires_at <= now ||
        row->attempts >= ctx_.config.accounts.verify_code_max_attempts) {
      return false;
    }
    // constant-time: a timing leak would reveal how many leading characters matched
    if (!ConstantTimeEquals(CodeHash(row->id, code), row->secret_hash)) {
      int attempts = one_time_token_store::AddAttempt(sql, row->id);
      if (attempts >= ctx_.config.accounts.verify_code_max_attempts) {
        one_time_token_store::MarkUsed(sql, row->id, now);  // dead after too many guesses
      }
      return false;
    }
    if (!one_time_token_store::MarkUsed(sql, row->id, now)) return false;
    user_store::MarkEmailVerified(sql, user->id, now);
    one_time_token_store::VoidUnused(sql, user->id, token_purpose::kVerifyEmailLink, now);
    ctx_.security_log.Append(
        sql, {SecurityEventType::kEmailVerified, user->id, "", "", client, {{"via", "code"}}});
    return true;
  });
  if (!matched) return matched.error();
  if (!*matched) return InvalidVerification("wrong, used or expired code");
  return Ok{};
}

Status AccountService::ResendVerification(const std::string& raw_email) {
  auto email = RequireEmail(raw_email);
  if (!email) return email.error();
  if (Status counted = ctx_.limiter.Require(
          "verify-resend", PerHour(ctx_.config.accounts.verify_resend_per_hour), *email,
          "Too many verification e-mails for this address; try later.");
      !counted) {
    return counted;
  }
  std::int64_t now = ctx_.clock.NowSeconds();
  auto queued = ctx_.db.Transaction<bool>([&](Connection& sql) -> Result<bool> {
    auto user = user_store::FindByEmail(sql, *email);
    if (!user || user->email_verified) return false;
    QueueVerification(sql, *user, now);
    return true;
  });
  if (!queued) return queued.error();
  if (*queued) ctx_.outbox.Notify();
  return Ok{};
}

Result<UserRecord> AccountService::FindUser(const std::string& user_id) {
  return ctx_.db.Run<UserRecord>([&](Connection& sql) -> Result<UserRecord> {
    auto user = user_store::FindById(sql, user_id);
    if (!user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
    return *user;
  });
}

}  // namespace gatehouse
