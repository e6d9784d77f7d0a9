#pragma once

#include "auth/key_ring.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "notify/outbox_sender.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace gatehouse {

// OpenID Connect Back-Channel Logout 1.0: when a sign-in session ends, every client that got
// an ID token naming it and registered a backchannel_logout_uri is sent a signed logout token
// (typ logout+jwt; iss, aud, iat, exp, jti, sub, sid, events; never a nonce), posted through
// the outbox with its retries. Thread-safe.
class BackchannelLogout {
 public:
  BackchannelLogout(Database& db, KeyRing& keys, OutboxSender& outbox, const Config& config,
                    const Clock& clock);

  // Queues the logout tokens for `session` and forgets which clients took part in it.
  void SessionEnded(const SessionRecord& session);

 private:
  Database& db_;
  KeyRing& keys_;
  OutboxSender& outbox_;
  const Config& config_;
  const Clock& clock_;
};

}  // namespace gatehouse
