#include "auth/user_administration.hpp"

#include <spdlog/spdlog.h>

#include "auth/mfa_factors.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/validation.hpp"
#include "core/unicode.hpp"
#include "crypto/random.hpp"
#include "notify/outbox_sender.hpp"
#include "store/outbox_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {
namespace {

// Changes of administrators' roles and status run one at a time, so that two administrators
// demoting each other cannot both succeed.
constexpr std::int64_t kAdministratorsLock = 4711005;
constexpr int kMaxPageSize = 200;
constexpr std::size_t kMaxSearchBytes = 256;

Error Invalid(const char* field, std::string detail) {
  return MakeError(Errc::kValidationFailed, std::string("bad ") + field, std::move(detail));
}

bool IsRole(const std::string& role) { return role == "user" || role == "admin"; }

bool IsActiveAdmin(const UserRecord& user) { return user.role == "admin" && user.disabled_at == 0; }

Result<user_store::UserFilter> FilterOf(const UserListQuery& q) {
  user_store::UserFilter filter;
  if (q.limit < 1 || q.limit > kMaxPageSize) {
    return Invalid("limit", "'limit' must be from 1 to 200.");
  }
  filter.limit = q.limit;
  if (!q.role.empty() && !IsRole(q.role)) return Invalid("role", "'role' must be user or admin.");
  filter.role = q.role;
  if (q.status == "active" || q.status == "disabled") {
    filter.disabled = q.status == "disabled";
  } else if (!q.status.empty()) {
    return Invalid("status", "'status' must be active or disabled.");
  }
  filter.email_verified = q.email_verified;
  if (q.search.size() > kMaxSearchBytes || !IsValidUtf8(q.search)) {
    return Invalid("search", "'q' must be UTF-8 text of at most 256 bytes.");
  }
  filter.prefix = SearchKey(q.search);
  if (!q.cursor.empty()) {
    auto after = Base64UrlDecode(q.cursor);
    if (!after || after->empty() || !IsValidUtf8(*after)) {
      return Invalid("cursor", "'cursor' is not one this server gave.");
    }
    filter.after_email = *after;
  }
  return filter;
}

Error NoSuchUser() { return MakeError(Errc::kNotFound, "no such user", "There is no such user."); }

// An administrator's change to `user_id`, for the security log.
SecurityEvent ByAdmin(SecurityEventType type, const AccessContext& admin,
                      const std::string& user_id,
                      nlohmann::json detail = nlohmann::json::object()) {
  if (admin.user_id.empty()) detail["via"] = "command line";
  return {type, user_id, "", admin.user_id, admin.client, std::move(detail)};
}

}  // namespace

UserAdministration::UserAdministration(const AccountContext& context, const SecretBox& box)
    : ctx_(context), box_(box) {}

Result<UserPage> UserAdministration::List(const UserListQuery& query) {
  auto filter = FilterOf(query);
  if (!filter) return filter.error();
  ++filter->limit;  // one more than asked: whether there is a next page
  auto users =
      ctx_.db.Run<std::vector<UserRecord>>([&](Connection& sql) -> Result<std::vector<UserRecord>> {
        return user_store::List(sql, *filter);
      });
  if (!users) return users.error();
  UserPage page;
  page.users = std::move(*users);
  if (static_cast<int>(page.users.size()) > query.limit) {
    page.users.resize(static_cast<std::size_t>(query.limit));
    page.next_cursor = Base64UrlEncode(page.users.back().email);
  }
  return page;
}

Result<UserRecord> UserAdministration::Find(const std::string& user_id) {
  return ctx_.db.Run<UserRecord>([&](Connection& sql) -> Result<UserRecord> {
    auto user = user_store::FindById(sql, user_id);
    if (!user) return NoSuchUser();
    return *user;
  });
}

Result<UserRecord> UserAdministration::FindByIdOrEmail(const std::string& id_or_email) {
  if (id_or_email.find('@') == std::string::npos) return Find(id_or_email);
  auto email = NormalizeEmail(id_or_email);
  if (!email) return NoSuchUser();
  return ctx_.db.Run<UserRecord>([&](Connection& sql) -> Result<UserRecord> {
    auto user = user_store::FindByEmail(sql, *email);
    if (!user) return NoSuchUser();
    return *user;
  });
}

Result<UserRecord> UserAdministration::Create(const AccessContext& admin, const NewUser& wanted) {
  auto email = RequireEmail(wanted.email);
  if (!email) return email.error();
  if (auto why = CheckName(wanted.name)) return Invalid("name", *why);
  if (!IsRole(wanted.role)) return Invalid("role", "'roles' must be [\"user\"] or [\"admin\"].");
  // No password given: a random one nobody is told, until a link sets the real one.
  std::string password = wanted.password.empty() ? RandomToken(32) : wanted.password;
  if (!wanted.password.empty()) {
    if (auto why = ctx_.policy.Check(password, *email, wanted.name)) {
      return MakeError(Errc::kWeakPassword, *why, *why);
    }
  }
  auto hash = ctx_.hasher.Hash(password);
  if (!hash) return hash.error();
  UserRecord user;
  user.id = RandomUuid();
  user.email = *email;
  user.name = wanted.name;
  user.password_hash = *hash;
  user.email_verified = wanted.email_verified;
  user.role = wanted.role;
  user.created_at = user.updated_at = ctx_.clock.NowSeconds();
  auto inserted = ctx_.db.Transaction<bool>([&](Connection& sql) -> Result<bool> {
    if (!user_store::Insert(sql, user)) return false;
    if (wanted.send_password_link) {
      QueuePasswordLink(ctx_, sql, user, MessageKind::kAccountCreated, user.created_at);
    }
    ctx_.security_log.Append(
        sql, ByAdmin(SecurityEventType::kUserCreated, admin, user.id, {{"role", user.role}}));
    return true;
  });
  if (!inserted) return inserted.error();
  if (!*inserted) {
    return MakeError(Errc::kConflict, "e-mail taken", "That address is taken.");
  }
  if (wanted.send_password_link) ctx_.outbox.Notify();
  return user;
}

Result<std::optional<UserRecord>> UserAdministration::ChangeGuarded(
    const std::string& user_id,
    const std::function<std::optional<UserRecord>(Connection&, const UserRecord&)>& change) {
  return ctx_.db.Transaction<std::optional<UserRecord>>(
      [&](Connection& sql) -> Result<std::optional<UserRecord>> {
        ctx_.db.SerialiseOn(sql, kAdministratorsLock);
        auto before = user_store::FindById(sql, user_id);
        if (!before) return NoSuchUser();
        std::optional<UserRecord> after = change(sql, *before);
        bool stays = after && IsActiveAdmin(*after);
        if (IsActiveAdmin(*before) && !stays &&
            user_store::CountActiveAdminsExcept(sql, user_id) == 0) {
          // The transaction rolls the change back.
          return MakeError(Errc::kConflict, "last administrator",
                           "This is the last active administrator: make another one first.");
        }
        return after;
      });
}

Result<UserRecord> UserAdministration::Update(const AccessContext& admin,
                                              const std::string& user_id,
                                              const UserChanges& changes) {
  if (changes.name) {
    if (auto why = CheckName(*changes.name)) return Invalid("name", *why);
  }
  if (changes.role && !IsRole(*changes.role)) {
    return Invalid("roles", "'roles' must be [\"user\"] or [\"admin\"].");
  }
  bool demoted = false;
  auto updated = ChangeGuarded(user_id, [&](Connection& sql, const UserRecord& before) {
    UserRecord after = before;
    if (changes.name) after.name = *changes.name;
    if (changes.role) after.role = *changes.role;
    if (changes.email_verified) after.email_verified = *changes.email_verified;
    after.updated_at = ctx_.clock.NowSeconds();
    demoted = before.role == "admin" && after.role != "admin";
    user_store::UpdateProfile(sql, after);
    nlohmann::json changed = nlohmann::json::object();
    if (after.name != before.name) changed["name"] = true;  // a name is personal: not copied
    if (after.role != before.role) changed["role"] = after.role;
    if (after.email_verified != before.email_verified) {
      changed["email_verified"] = after.email_verified;
    }
    ctx_.security_log.Append(
        sql, ByAdmin(SecurityEventType::kUserUpdated, admin, user_id, {{"changed", changed}}));
    return std::optional<UserRecord>(after);
  });
  if (!updated) return updated.error();
  // Access tokens carry the role: a former administrator's must stop working now.
  if (demoted) {
    if (auto revoked = ctx_.tokens.RevokeUserSessions(user_id, ""); !revoked) {
      return revoked.error();
    }
  }
  return **updated;
}

Result<UserRecord> UserAdministration::Disable(const AccessContext& admin,
                                               const std::string& user_id) {
  SecurityEvent disabled = ByAdmin(SecurityEventType::kAccountDisabled, admin, user_id);
  return Close(user_id, &disabled);
}

Result<UserRecord> UserAdministration::Close(const std::string& user_id,
                                             const SecurityEvent* event) {
  auto disabled = ChangeGuarded(user_id, [&](Connection& sql, const UserRecord& before) {
    UserRecord after = before;
    if (before.disabled_at == 0) {
      after.disabled_at = after.updated_at = ctx_.clock.NowSeconds();
      user_store::SetDisabled(sql, user_id, after.disabled_at, after.updated_at);
      if (event) ctx_.security_log.Append(sql, *event);
    }
    return std::optional<UserRecord>(after);
  });
  if (!disabled) return disabled.error();
  // After the commit: a sign-in that began before it has its session by now, and one that
  // begins after finds the account disabled (session_store::Insert). Run again on a disabled
  // account, this revokes what a cache outage left.
  if (auto revoked = ctx_.tokens.RevokeUserSessions(user_id, ""); !revoked) {
    return revoked.error();
  }
  return **disabled;
}

Result<UserRecord> UserAdministration::Enable(const AccessContext& admin,
                                              const std::string& user_id) {
  auto enabled = ctx_.db.Transaction<UserRecord>([&](Connection& sql) -> Result<UserRecord> {
    auto user = user_store::FindById(sql, user_id);
    if (!user) return NoSuchUser();
    if (user->disabled_at != 0) {
      user->disabled_at = 0;
      user->updated_at = ctx_.clock.NowSeconds();
      user_store::SetDisabled(sql, user_id, 0, user->updated_at);
      ctx_.security_log.Append(sql, ByAdmin(SecurityEventType::kAccountEnabled, admin, user_id));
    }
    return *user;
  });
  return enabled;
}

Status UserAdministration::SendPasswordReset(const AccessContext& admin,
                                             const std::string& user_id) {
  std::int64_t now = ctx_.clock.NowSeconds();
  auto queued = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto user = user_store::FindById(sql, user_id);
    if (!user) return NoSuchUser();
    QueuePasswordLink(ctx_, sql, *user, MessageKind::kPasswordReset, now);
    ctx_.security_log.Append(sql,
                             ByAdmin(SecurityEventType::kPasswordResetRequested, admin, user_id));
    return Ok{};
  });
  if (!queued) return queued.error();
  ctx_.outbox.Notify();
  return Ok{};
}

Status UserAdministration::Delete(const AccessContext& admin, const std::string& user_id) {
  // The event's address and agent are the administrator's.
  return Erase(user_id, ByAdmin(SecurityEventType::kAccountDeleted, admin, user_id));
}

Status UserAdministration::DeleteOwn(const AccessContext& caller, const std::string& password,
                                     const std::string& code) {
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  if (!user->second_factors.empty()) {
    if (code.empty()) {
      return MakeError(Errc::kValidationFailed, "code missing",
                       "'code' is needed: a code of your authenticator app, or a recovery code.");
    }
    auto proved = CheckProofOf(
        ctx_, user->id,
        [&](const UserRecord& u) -> Result<bool> {
          return ctx_.db.Transaction<bool>([&](Connection& sql) -> Result<bool> {
            if (HasSecondFactor(u, FactorMethod::kTotp)) {
              auto totp = UseTotpCode(sql, box_, u.id, code, ctx_.clock.NowSeconds());
              if (!totp) return totp.error();
              if (*totp) return true;
            }
            return UseRecoveryCode(sql, u.id, code, ctx_.clock.NowSeconds());
          });
        },
        MakeError(Errc::kMfaInvalidCode, "wrong code", "The code is wrong or used."));
    if (!proved) return proved.error();
  }
  // Recorded once the account's data is forgotten: with nothing that identifies the person.
  return Erase(
      user->id,
      {SecurityEventType::kAccountDeleted, user->id, caller.session_id, "", {}, {{"via", "self"}}});
}

Status UserAdministration::Erase(const std::string& user_id, const SecurityEvent& deleted) {
  // First closed to sign-ins and signed out everywhere (the whitelist entries go with the
  // sessions), then erased: a sign-in between the two would leave live tokens of a session
  // whose row the deletion takes without a trace in the cache.
  auto disabled = Close(user_id, nullptr);
  if (!disabled) return disabled.error();
  auto erased = ChangeGuarded(user_id, [&](Connection& sql, const UserRecord& user) {
    outbox_store::DeleteTo(sql, user.email);
    user_store::Delete(sql, user_id);
    return std::optional<UserRecord>();
  });
  if (!erased) return erased.error();
  if (Status forgotten = ctx_.security_log.ForgetPersonalData(user_id); !forgotten) {
    spdlog::error("user {} deleted, but not forgotten in the security log: {}", user_id,
                  forgotten.error().reason);
  }
  ctx_.security_log.Record(deleted);
  spdlog::info("user {} deleted", user_id);
  return Ok{};
}

}  // namespace gatehouse
