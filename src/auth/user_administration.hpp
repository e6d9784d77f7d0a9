#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/account_context.hpp"
#include "auth/security_log.hpp"
#include "crypto/secret_box.hpp"
#include "store/records.hpp"

namespace gatehouse {

// What an administrator asks the user list for; empty fields filter nothing.
struct UserListQuery {
  std::string search;  // the start of the e-mail address or of the name, any case
  std::string role;    // user | admin
  std::string status;  // active | disabled
  std::optional<bool> email_verified;
  std::string cursor;  // next_cursor of the page before
  int limit = 50;
};

struct UserPage {
  std::vector<UserRecord> users;  // by e-mail address
  std::string next_cursor;        // empty on the last page
};

struct NewUser {
  std::string email;
  std::string name;
  std::string role = "user";
  // Empty: the account has no password anyone knows until one is set through a link.
  std::string password;
  bool email_verified = true;
  bool send_password_link = false;
};

struct UserChanges {
  std::optional<std::string> name;
  std::optional<std::string> role;
  std::optional<bool> email_verified;
};

// Users as an administrator manages them (the /v1/users API and `gatehouse user`). An
// administrator cannot disable, demote or delete the last active administrator (kConflict).
// Disabling, demoting and deleting revoke the user's sessions at once. Thread-safe.
class UserAdministration {
 public:
  // `box` opens the authenticator app secrets (a user deleting their own account).
  UserAdministration(const AccountContext& context, const SecretBox& box);

  // kValidationFailed for a bad filter or cursor.
  Result<UserPage> List(const UserListQuery& query);
  // kNotFound when there is no such user.
  Result<UserRecord> Find(const std::string& user_id);
  // By id or, when it holds an '@', by e-mail address (the command line's way).
  Result<UserRecord> FindByIdOrEmail(const std::string& id_or_email);
  // The changes below are `admin`'s, which the security log records (actor_id and where the
  // request came from); the command line's have no administrator (an empty AccessContext).

  // kConflict when the address is taken. With send_password_link, e-mails a link to choose
  // the password.
  Result<UserRecord> Create(const AccessContext& admin, const NewUser& user);
  Result<UserRecord> Update(const AccessContext& admin, const std::string& user_id,
                            const UserChanges& changes);
  Result<UserRecord> Disable(const AccessContext& admin, const std::string& user_id);
  Result<UserRecord> Enable(const AccessContext& admin, const std::string& user_id);
  // E-mails the user a password reset link (the current password keeps working until used).
  Status SendPasswordReset(const AccessContext& admin, const std::string& user_id);
  // Deletes the account and what hangs on it: sessions (and their whitelist entries),
  // factors, passkeys, one-time tokens and messages waiting to be sent to it. Its security
  // log stays, with what identifies a person in it blanked (event_store::ForgetPersonalData).
  Status Delete(const AccessContext& admin, const std::string& user_id);
  // The caller deleting their own account, as Delete does: after their password and, when they
  // have a second factor, a `code` of their authenticator app or a recovery code.
  // kInvalidCredentials for a wrong password, kMfaInvalidCode for a wrong code (both counting
  // against the account's brute-force delay), kValidationFailed when the code is missing,
  // kConflict for the last active administrator.
  Status DeleteOwn(const AccessContext& caller, const std::string& password,
                   const std::string& code);

 private:
  // Closes, then erases the account; `deleted` is recorded once its personal data is forgotten.
  Status Erase(const std::string& user_id, const SecurityEvent& deleted);

  // Disables the account (appending `disabled` when it was active, if given) and then
  // revokes its sessions.
  Result<UserRecord> Close(const std::string& user_id, const SecurityEvent* disabled);

  // Runs `change` on the user (found, else kNotFound) in a transaction that no other such
  // change runs alongside. `change` gets the user as stored and returns what it made of them:
  // nullopt when it deleted them. kConflict, and nothing changed, when that leaves no active
  // administrator.
  Result<std::optional<UserRecord>> ChangeGuarded(
      const std::string& user_id,
      const std::function<std::optional<UserRecord>(Connection&, const UserRecord&)>& change);

  AccountContext ctx_;
  const SecretBox& box_;
};

}  // namespace gatehouse
