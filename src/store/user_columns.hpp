#pragma once

#include <soci/soci.h>

#include "store/records.hpp"

namespace gatehouse {

// The columns of a UserRecord as the lookups select them (table alias `u`), bound to one
// record that each fetch of a prepared statement overwrites. For the stores that read a user
// together with what hangs on it (a session, a passkey) in one query.
struct UserColumns {
  static constexpr const char* kList =
      "u.id, u.email, u.name, u.password_hash, u.email_verified, u.role, u.created_at, "
      "u.updated_at, u.second_factors, COALESCE(u.disabled_at, 0)";

  void Bind(soci::statement& statement) {
    statement.exchange(soci::into(user.id));
    statement.exchange(soci::into(user.email));
    statement.exchange(soci::into(user.name));
    statement.exchange(soci::into(user.password_hash));
    statement.exchange(soci::into(verified));
    statement.exchange(soci::into(user.role));
    statement.exchange(soci::into(created));
    statement.exchange(soci::into(updated));
    statement.exchange(soci::into(user.second_factors));
    statement.exchange(soci::into(disabled));
  }
  UserRecord Read() const {
    UserRecord u = user;
    u.email_verified = verified != 0;
    u.created_at = created;
    u.updated_at = updated;
    u.disabled_at = disabled;
    return u;
  }

 private:
  UserRecord user;
  int verified = 0;
  long long created = 0, updated = 0, disabled = 0;
};

}  // namespace gatehouse
