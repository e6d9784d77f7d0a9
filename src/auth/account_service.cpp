#include "auth/account_service.hpp"

#include <algorithm>

#include "auth/link_tokens.hpp"
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

AccountService::AccountService(Database& db, Cache& cache, PasswordHasher& hasher,
                               OutboxSender& outbox, const MessageTemplates& templates,
                               const PasswordPolicy& policy, const Config& config,
                               const Clock& clock)
    : db_(db),
      cache_(cache),
      hasher_(hasher),
      outbox_(outbox),
      templates_(templates),
      policy_(policy),
      config_(config),
      clock_(clock) {}

void AccountService::QueueVerification(soci::session& sql, const UserRecord& user,
                                       std::int64_t now) {
  std::string link_token = IssueLinkToken(sql, user.id, token_purpose::kVerifyEmailLink,
                                          config_.accounts.verify_link_ttl_seconds, now);
  one_time_token_store::VoidUnused(sql, user.id, token_purpose::kVerifyEmailCode, now);
  std::string code = RandomDigits(kVerifyCodeDigits);
  OneTimeTokenRecord code_row;
  code_row.id = RandomUuid();
  code_row.purpose = token_purpose::kVerifyEmailCode;
  code_row.user_id = user.id;
  code_row.secret_hash = CodeHash(code_row.id, code);
  code_row.expires_at = now + config_.accounts.verify_code_ttl_seconds;
  code_row.created_at = now;
  one_time_token_store::Insert(sql, code_row);

  RenderedMessage message = templates_.Render(
      MessageKind::kVerifyEmail,
      {{"product", config_.mail.product_name},
       {"name", user.name.empty() ? user.email : user.name},
       {"link", config_.server.public_url + "/verify-email?token=" + link_token},
       {"code", code},
       {"link_hours", std::to_string(config_.accounts.verify_link_ttl_seconds / 3600)},
       {"code_minutes", std::to_string(config_.accounts.verify_code_ttl_seconds / 60)}});
  OutboxSender::Enqueue(sql, user.email, message, now);
}

Status AccountService::Register(const RegisterRequest& request) {
  auto email = NormalizeEmail(request.email);
  if (!email) {
    return MakeError(Errc::kValidationFailed, "bad e-mail", "'email' is not a valid address.");
  }
  if (auto why = CheckName(request.name)) {
    return MakeError(Errc::kValidationFailed, "bad name", *why);
  }
  if (auto why = policy_.Check(request.password, *email, request.name)) {
    return MakeError(Errc::kWeakPassword, "password policy", *why);
  }
  // Hash before looking the address up, so a taken address costs the same time.
  auto hash = hasher_.Hash(request.password);
  if (!hash) return hash.error();

  std::int64_t now = clock_.NowSeconds();
  auto done = db_.Transaction<Ok>([&](soci::session& sql) -> Status {
    UserRecord user;
    user.id = RandomUuid();
    user.email = *email;
    user.name = request.name;
    user.password_hash = *hash;
    user.created_at = user.updated_at = now;
    if (!user_store::FindByEmail(sql, *email) && user_store::Insert(sql, user)) {
      QueueVerification(sql, user, now);
      return Ok{};
    }
    auto existing = user_store::FindByEmail(sql, *email);
    RenderedMessage notice =
        templates_.Render(MessageKind::kAccountExists,
                          {{"product", config_.mail.product_name},
                           {"name", existing && !existing->name.empty() ? existing->name : *email},
                           {"login_url", config_.server.public_url + "/login"}});
    OutboxSender::Enqueue(sql, *email, notice, now);
    return Ok{};
  });
  if (!done) return done.error();
  outbox_.Notify();
  return Ok{};
}

Status AccountService::VerifyEmailByToken(const std::string& token) {
  if (!IsWellFormedLinkToken(token)) return InvalidVerification("malformed link token");
  std::int64_t now = clock_.NowSeconds();
  return db_.Transaction<Ok>([&](soci::session& sql) -> Status {
    auto row = ConsumeLinkToken(sql, token_purpose::kVerifyEmailLink, token, now);
    if (!row) return InvalidVerification("unknown, used or expired link token");
    user_store::MarkEmailVerified(sql, row->user_id, now);
    one_time_token_store::VoidUnused(sql, row->user_id, token_purpose::kVerifyEmailCode, now);
    return Ok{};
  });
}

Status AccountService::VerifyEmailByCode(const std::string& raw_email, const std::string& code) {
  auto email = NormalizeEmail(raw_email);
  if (!email) {
    return MakeError(Errc::kValidationFailed, "bad e-mail", "'email' is not a valid address.");
  }
  if (code.size() != kVerifyCodeDigits ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return MakeError(Errc::kValidationFailed, "bad code", "'code' must be 6 digits.");
  }
  std::int64_t now = clock_.NowSeconds();
  // The transaction commits wrong guesses too (the attempt counter must stick), so the
  // outcome travels as a value.
  auto matched = db_.Transaction<bool>([&](soci::session& sql) -> Result<bool> {
    auto user = user_store::FindByEmail(sql, *email);
    if (!user) return false;
    auto row =
        one_time_token_store::FindLatestUnused(sql, user->id, token_purpose::kVerifyEmailCode);
    if (!row || row->expires_at <= now ||
        row->attempts >= config_.accounts.verify_code_max_attempts) {
      return false;
    }
    // constant-time: a timing leak would reveal how many leading characters matched
    if (!ConstantTimeEquals(CodeHash(row->id, code), row->secret_hash)) {
      int attempts = one_time_token_store::AddAttempt(sql, row->id);
      if (attempts >= config_.accounts.verify_code_max_attempts) {
        one_time_token_store::MarkUsed(sql, row->id, now);  // dead after too many guesses
      }
      return false;
    }
    if (!one_time_token_store::MarkUsed(sql, row->id, now)) return false;
    user_store::MarkEmailVerified(sql, user->id, now);
    one_time_token_store::VoidUnused(sql, user->id, token_purpose::kVerifyEmailLink, now);
    return true;
  });
  if (!matched) return matched.error();
  if (!*matched) return InvalidVerification("wrong, used or expired code");
  return Ok{};
}

Status AccountService::ResendVerification(const std::string& raw_email) {
  auto email = NormalizeEmail(raw_email);
  if (!email) {
    return MakeError(Errc::kValidationFailed, "bad e-mail", "'email' is not a valid address.");
  }
  // Counted per address whether or not it exists, so the limit reveals nothing.
  auto count = cache_.Increment("verify-resend:" + *email, 1, std::chrono::hours(1));
  if (count && *count > config_.accounts.verify_resend_per_hour) {
    Error limited = MakeError(Errc::kRateLimited, "verification resend limit",
                              "Too many verification e-mails for this address; try later.");
    limited.retry_after_seconds = 3600;
    return limited;
  }
  std::int64_t now = clock_.NowSeconds();
  auto queued = db_.Transaction<bool>([&](soci::session& sql) -> Result<bool> {
    auto user = user_store::FindByEmail(sql, *email);
    if (!user || user->email_verified) return false;
    QueueVerification(sql, *user, now);
    return true;
  });
  if (!queued) return queued.error();
  if (*queued) outbox_.Notify();
  return Ok{};
}

Result<UserRecord> AccountService::CreateUser(const std::string& raw_email,
                                              const std::string& password, const std::string& name,
                                              const std::string& role) {
  auto email = NormalizeEmail(raw_email);
  if (!email) return MakeError(Errc::kValidationFailed, "bad e-mail", "not a valid address");
  if (auto why = CheckName(name)) return MakeError(Errc::kValidationFailed, *why, *why);
  if (auto why = policy_.Check(password, *email, name)) {
    return MakeError(Errc::kWeakPassword, *why, *why);
  }
  if (role != "user" && role != "admin") {
    return MakeError(Errc::kValidationFailed, "bad role", "role must be user or admin");
  }
  auto hash = hasher_.Hash(password);
  if (!hash) return hash.error();
  UserRecord user;
  user.id = RandomUuid();
  user.email = *email;
  user.name = name;
  user.password_hash = *hash;
  user.email_verified = true;
  user.role = role;
  user.created_at = user.updated_at = clock_.NowSeconds();
  auto inserted = db_.Transaction<bool>(
      [&](soci::session& sql) -> Result<bool> { return user_store::Insert(sql, user); });
  if (!inserted) return inserted.error();
  if (!*inserted) return MakeError(Errc::kConflict, "e-mail taken", "that address is taken");
  return user;
}

Result<UserRecord> AccountService::FindUser(const std::string& user_id) {
  return db_.Run<UserRecord>([&](soci::session& sql) -> Result<UserRecord> {
    auto user = user_store::FindById(sql, user_id);
    if (!user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
    return *user;
  });
}

}  // namespace gatehouse
