#include "auth/invitation_service.hpp"

#include "auth/link_tokens.hpp"
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

InvitationService::InvitationService(Database& db, PasswordHasher& hasher, TokenService& tokens,
                                     OutboxSender& outbox, const MessageTemplates& templates,
                                     const PasswordPolicy& policy, const Config& config,
                                     const Clock& clock)
    : db_(db),
      hasher_(hasher),
      tokens_(tokens),
      outbox_(outbox),
      templates_(templates),
      policy_(policy),
      config_(config),
      clock_(clock) {}

Result<InvitationRecord> InvitationService::Invite(const std::string& inviter_id,
                                                   const std::string& raw_email,
                                                   const std::string& role) {
  auto email = NormalizeEmail(raw_email);
  if (!email) {
    return MakeError(Errc::kValidationFailed, "bad e-mail", "'email' is not a valid address.");
  }
  if (role != "user" && role != "admin") {
    return MakeError(Errc::kValidationFailed, "bad role", "'role' must be 'user' or 'admin'.");
  }
  std::int64_t now = clock_.NowSeconds();
  std::string token = NewLinkToken();
  InvitationRecord invitation;
  invitation.id = RandomUuid();
  invitation.email = *email;
  invitation.role = role;
  invitation.token_hash = LinkTokenHash(token);
  invitation.invited_by = inviter_id;
  invitation.created_at = now;
  invitation.expires_at = now + config_.accounts.invitation_ttl_seconds;

  auto created = db_.Transaction<Ok>([&](soci::session& sql) -> Status {
    if (user_store::FindByEmail(sql, *email)) return AddressTaken();
    auto inviter = user_store::FindById(sql, inviter_id);
    if (!inviter) return MakeError(Errc::kTokenRevoked, "inviter no longer exists");
    invitation_store::RevokePendingFor(sql, *email, now);
    invitation_store::Insert(sql, invitation);
    RenderedMessage message = templates_.Render(
        MessageKind::kInvitation,
        {{"product", config_.mail.product_name},
         {"inviter", inviter->name.empty() ? inviter->email : inviter->name},
         {"link", config_.server.public_url + "/accept-invitation?token=" + token},
         {"role", role},
         {"valid_days", std::to_string(config_.accounts.invitation_ttl_seconds / kSecondsPerDay)}});
    OutboxSender::Enqueue(sql, *email, message, now);
    return Ok{};
  });
  if (!created) return created.error();
  outbox_.Notify();
  return invitation;
}

Result<std::vector<InvitationRecord>> InvitationService::ListPending() {
  std::int64_t now = clock_.NowSeconds();
  return db_.Run<std::vector<InvitationRecord>>(
      [&](soci::session& sql) -> Result<std::vector<InvitationRecord>> {
        return invitation_store::ListPending(sql, now);
      });
}

Status InvitationService::Revoke(const std::string& invitation_id) {
  std::int64_t now = clock_.NowSeconds();
  auto revoked = db_.Write<bool>([&](soci::session& sql) -> Result<bool> {
    return invitation_store::Revoke(sql, invitation_id, now);
  });
  if (!revoked) return revoked.error();
  if (!*revoked) return MakeError(Errc::kNotFound, "no such pending invitation");
  return Ok{};
}

Result<TokenPair> InvitationService::Accept(const AcceptInvitationRequest& request,
                                            const ClientInfo& client) {
  if (!IsWellFormedLinkToken(request.token)) return InvalidInvitation("malformed token");
  std::int64_t now = clock_.NowSeconds();
  std::string token_hash = LinkTokenHash(request.token);
  auto found = db_.Run<std::optional<InvitationRecord>>(
      [&](soci::session& sql) -> Result<std::optional<InvitationRecord>> {
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
  if (auto why = policy_.Check(request.password, invitation->email, request.name)) {
    return MakeError(Errc::kWeakPassword, "password policy", *why);
  }
  auto hash = hasher_.Hash(request.password);
  if (!hash) return hash.error();

  UserRecord user;
  user.id = RandomUuid();
  user.email = invitation->email;
  user.name = request.name;
  user.password_hash = *hash;
  user.email_verified = true;  // the link arrived at this address
  user.role = invitation->role;
  user.created_at = user.updated_at = clock_.NowSeconds();
  auto created = db_.Transaction<Ok>([&](soci::session& sql) -> Status {
    if (!invitation_store::MarkAccepted(sql, invitation->id, user.created_at)) {
      return InvalidInvitation("invitation accepted or revoked meanwhile");
    }
    if (!user_store::Insert(sql, user)) return AddressTaken();  // rolls the acceptance back
    return Ok{};
  });
  if (!created) return created.error();
  return tokens_.StartSession(user, /*remember_me=*/false, {"pwd"}, client);
}

}  // namespace gatehouse
