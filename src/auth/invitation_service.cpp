#include "auth/invitation_service.hpp"

#include "auth/link_tokens.hpp"
#include "auth/security_log.hpp"
#include "auth/validation.hpp"
#include "crypto/random.hpp"
#include "notify/outbox_sender.hpp"
#include "store/invitation_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

constexpr int kSecondsPerDay = 24 * 60 * 60;

Error InvalidInvitation(std::string reason) {
  return MakeError(Errc::kInvalidToken, std::move(reason),
                   "The invitation link is invalid, used, revoked or expired; ask for a new one.");
}

Error AddressTaken() {
  return MakeError(Errc::kConflict, "address has an account",
                   "An account with this e-mail address already exists.");
}

}  // namespace

InvitationService::InvitationService(const AccountContext& context) : ctx_(context) {}

Result<InvitationRecord> InvitationService::Invite(const AccessContext& inviter_caller,
                                                   const std::string& raw_email,
                                                   const std::string& role) {
  const std::string& inviter_id = inviter_caller.user_id;
  auto email = RequireEmail(raw_email);
  if (!email) return email.error();
  if (role != "user" && role != "admin") {
    return MakeError(Errc::kValidationFailed, "bad role", "'role' must be 'user' or 'admin'.");
  }
  std::int64_t now = ctx_.clock.NowSeconds();
  std::string token = NewLinkToken();
  InvitationRecord invitation;
  invitation.id = RandomUuid();
  invitation.email = *email;
  invitation.role = role;
  invitation.token_hash = LinkTokenHash(token);
  invitation.invited_by = inviter_id;
  invitation.created_at = now;
  invitation.expires_at = now + ctx_.config.accounts.invitation_ttl_seconds;

  auto created = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    if (user_store::FindByEmail(sql, *email)) return AddressTaken();
    auto inviter = user_store::FindById(sql, inviter_id);
    if (!inviter) return MakeError(Errc::kTokenRevoked, "inviter no longer exists");
    invitation_store::RevokePendingFor(sql, *email, now);
    invitation_store::Insert(sql, invitation);
    RenderedMessage message = ctx_.templates.Render(
        MessageKind::kInvitation,
        {{"product", ctx_.config.mail.product_name},
         {"inviter", inviter->NameOrEmail()},
         {"link", ctx_.config.ui.link_base + "/accept-invitation?token=" + token},
         {"role", role},
         {"valid_days",
          std::to_string(ctx_.config.accounts.invitation_ttl_seconds / kSecondsPerDay)}});
    OutboxSender::Enqueue(sql, *email, message, now);
    // No account yet: the event is the inviter's doing, naming the invitation.
    ctx_.security_log.Append(sql, {SecurityEventType::kInvitationSent,
                                   "",
                                   inviter_caller.session_id,
                                   inviter_id,
                                   inviter_caller.client,
                                   {{"invitation_id", invitation.id}, {"role", role}}});
    return Ok{};
  });
  if (!created) return created.error();
  ctx_.outbox.Notify();
  return invitation;
}

Result<std::vector<InvitationRecord>> InvitationService::ListPending() {
  std::int64_t now = ctx_.clock.NowSeconds();
  return ctx_.db.Run<std::vector<InvitationRecord>>(
      [&](Connection& sql) -> Result<std::vector<InvitationRecord>> {
        return invitation_store::ListPending(sql, now);
      });
}

Status InvitationService::Revoke(const std::string& invitation_id) {
  std::int64_t now = ctx_.clock.NowSeconds();
  auto revoked = ctx_.db.Write<bool>([&](Connection& sql) -> Result<bool> {
    return invitation_store::Revoke(sql, invitation_id, now);
  });
  if (!revoked) return revoked.error();
  if (!*revoked) return MakeError(Errc::kNotFound, "no such pending invitation");
  return Ok{};
}

Result<TokenPair> InvitationService::Accept(const AcceptInvitationRequest& request,
                                            const ClientInfo& client) {
  if (!IsWellFormedLinkToken(request.token)) return InvalidInvitation("malformed token");
  std::int64_t now = ctx_.clock.NowSeconds();
  std::string token_hash = LinkTokenHash(request.token);
  auto found = ctx_.db.Run<std::optional<InvitationRecord>>(
      [&](Connection& sql) -> Result<std::optional<InvitationRecord>> {
        auto invitation = invitation_store::FindByTokenHash(sql, token_hash);
        if (!invitation || !ConstantTimeEquals(invitation->token_hash, token_hash)) {
          return std::optional<InvitationRecord>();
        }
        return invitation;
      });
  if (!found) return found.error();
  const auto& invitation = *found;
  if (!invitation || invitation->accepted_at || invitation->revoked_at ||
      invitation->expires_at <= now) {
    return InvalidInvitation("unknown, used, revoked or expired invitation");
  }
  if (auto why = CheckName(request.name)) {
    return MakeError(Errc::kValidationFailed, "bad name", *why);
  }
  if (auto why = ctx_.policy.Check(request.password, invitation->email, request.name)) {
    return MakeError(Errc::kWeakPassword, "password policy", *why);
  }
  auto hash = ctx_.hasher.Hash(request.password);
  if (!hash) return hash.error();

  UserRecord user;
  user.id = RandomUuid();
  user.email = invitation->email;
  user.name = request.name;
  user.password_hash = *hash;
  user.email_verified = true;  // the link arrived at this address
  user.role = invitation->role;
  user.created_at = user.updated_at = ctx_.clock.NowSeconds();
  auto created = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    if (!invitation_store::MarkAccepted(sql, invitation->id, user.created_at)) {
      return InvalidInvitation("invitation accepted or revoked meanwhile");
    }
    if (!user_store::Insert(sql, user)) return AddressTaken();  // rolls the acceptance back
    ctx_.security_log.Append(sql, {SecurityEventType::kUserCreated,
                                   user.id,
                                   "",
                                   "",
                                   client,
                                   {{"via", "invitation"}, {"role", user.role}}});
    ctx_.security_log.Append(sql, {SecurityEventType::kInvitationAccepted,
                                   user.id,
                                   "",
                                   "",
                                   client,
                                   {{"invitation_id", invitation->id},
                                    {"invited_by", invitation->invited_by.value_or("")}}});
    return Ok{};
  });
  if (!created) return created.error();
  return ctx_.tokens.StartSession(user, /*remember_me=*/false, {"pwd"}, client);
}

}  // namespace gatehouse
