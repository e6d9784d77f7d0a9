#include "auth/account_context.hpp"

#include "auth/link_tokens.hpp"
#include "auth/validation.hpp"
#include "notify/outbox_sender.hpp"
#include "store/one_time_token_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {

Result<std::string> RequireEmail(std::string_view raw) {
  auto email = NormalizeEmail(raw);
  if (!email) {
    return MakeError(Errc::kValidationFailed, "bad e-mail", "'email' is not a valid address.");
  }
  return *email;
}

Result<UserRecord> CheckProofOf(const AccountContext& ctx, const std::string& user_id,
                                const std::function<Result<bool>(const UserRecord&)>& matches,
                                const Error& wrong) {
  auto user = ctx.db.Run<std::optional<UserRecord>>(
      [&](Connection& sql) -> Result<std::optional<UserRecord>> {
        return user_store::FindById(sql, user_id);
      });
  if (!user) return user.error();
  if (!*user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
  if (Status taken = ctx.attempts.Take((*user)->email); !taken) return taken.error();
  auto matched = matches(**user);
  if (!matched) return matched.error();
  if (!*matched) return wrong;
  ctx.attempts.Reset((*user)->email);
  return std::move(**user);
}

Result<UserRecord> CheckPasswordOf(const AccountContext& ctx, const std::string& user_id,
                                   const std::string& password) {
  return CheckProofOf(
      ctx, user_id,
      [&](const UserRecord& user) -> Result<bool> {
        auto check = ctx.hasher.Verify(password, user.password_hash);
        if (!check) return check.error();
        return check->matches;
      },
      MakeError(Errc::kInvalidCredentials, "wrong password", "The password is wrong."));
}

void QueuePasswordLink(const AccountContext& ctx, Connection& sql, const UserRecord& user,
                       MessageKind kind, std::int64_t now) {
  const std::int64_t ttl = ctx.config.accounts.reset_link_ttl_seconds;
  std::string token = IssueLinkToken(sql, user.id, token_purpose::kResetPassword, ttl, now);
  OutboxSender::Enqueue(sql, user.email,
                        ctx.templates.Render(kind, {{"product", ctx.config.mail.product_name},
                                                    {"name", user.NameOrEmail()},
                                                    {"link", ctx.config.ui.link_base +
                                                                 "/reset-password?token=" + token},
                                                    {"link_minutes", std::to_string(ttl / 60)}}),
                        now);
}

}  // namespace gatehouse
