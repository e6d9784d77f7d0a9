#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret_box.hpp"

namespace gatehouse {

// A ceremony's challenge made without storing anything: 16 random bytes, its expiry and a
// MAC over both and what it is for — the ceremony ("register", "sign-in", "second-factor")
// and whom it binds to (the user, the mfa_token) — under the MFA key. A forged, altered,
// expired or misplaced challenge fails Check; that each is used once is the caller's to
// record, by the nonce Check returns. Thread-safe.
class ChallengeIssuer {
 public:
  static constexpr std::int64_t kLifetimeSeconds = 5 * 60;

  explicit ChallengeIssuer(const SecretBox& box) : box_(box) {}

  // The challenge's bytes (56: nonce, expiry, the MAC in hex).
  std::string Issue(std::string_view purpose, std::string_view binding, std::int64_t now) const;
  // The challenge's nonce when it was issued here for `purpose` and `binding` and is live at
  // `now`; nullopt otherwise.
  std::optional<std::string> Check(std::string_view challenge, std::string_view purpose,
                                   std::string_view binding, std::int64_t now) const;

 private:
  std::string Mac(std::string_view purpose, std::string_view binding,
                  std::string_view nonce_and_expiry) const;

  const SecretBox& box_;
};

}  // namespace gatehouse
