#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "auth/account_context.hpp"
#include "auth/passkey_ceremonies.hpp"

namespace gatehouse {

// Signing in with a passkey instead of a password: request options, then the assertion.
// Thread-safe.
class PasskeySignIn {
 public:
  PasskeySignIn(const AccountContext& context, const PasskeyCeremonies& ceremonies);

  // False when passkeys are off (see PasskeyCeremonies::Party): the pages then offer none.
  bool Available() const { return static_cast<bool>(ceremonies_.Party()); }

  // The request options (PublicKeyCredentialRequestOptionsJSON): for a discoverable
  // credential, with no credentials listed; with `email`, that account's passkeys (an
  // address with none, or no account, gets the discoverable form). User verification
  // required: the passkey is the only factor asked for.
  Result<nlohmann::json> Options(const std::optional<std::string>& email) const;
  // The token pair for an accepted assertion, amr ["webauthn", "mfa"]: the authenticator
  // verified the user (a PIN, a fingerprint) on top of holding the key.
  Result<TokenPair> SignIn(const AssertionResponse& assertion, bool remember_me,
                           const ClientInfo& client) const;

 private:
  AccountContext ctx_;
  const PasskeyCeremonies& ceremonies_;
};

}  // namespace gatehouse
