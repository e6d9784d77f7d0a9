#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/account_context.hpp"
#include "crypto/secret_box.hpp"
#include "webauthn/ceremony.hpp"
#include "webauthn/challenge.hpp"
#include "webauthn/credential_json.hpp"

namespace gatehouse {

// The ceremonies' purposes, bound into their challenges.
inline constexpr std::string_view kRegisterCeremony = "register";
inline constexpr std::string_view kSignInCeremony = "sign-in";
inline constexpr std::string_view kSecondFactorCeremony = "second-factor";

struct UsedChallenge {
  ClientData client_data;   // what the response's clientDataJSON says, its challenge included
  std::size_t binding = 0;  // which of the bindings it was issued for
};

// An assertion that passed WebAuthn §7.2, with its passkey and that passkey's owner.
struct AcceptedAssertion {
  PasskeyRecord passkey;
  UserRecord user;
  VerifiedAssertion verified;
};

// What registration, passwordless sign-in and passkeys as a second factor share: the
// relying party, challenges (stateless, see ChallengeIssuer) used once, and the check of an
// assertion against a stored passkey. A challenge's single use is a marker in the cache
// (its atomic Increment): with Redis or the memory cache it holds for the challenge's five
// minutes; Memcached may evict it under memory pressure. Thread-safe.
class PasskeyCeremonies {
 public:
  PasskeyCeremonies(const AccountContext& context, const SecretBox& box);

  // kNotImplemented when passkeys are off (RelyingPartyOf: public_url is an IP address).
  Result<const RelyingParty*> Party() const;
  std::string IssueChallenge(std::string_view purpose, std::string_view binding) const;
  // The challenge `client_data_json` carries, now used, if it was issued here for `purpose`
  // and one of `bindings` and is live and unused; kInvalidToken otherwise.
  Result<UsedChallenge> UseChallenge(std::string_view client_data_json, std::string_view purpose,
                                     std::initializer_list<std::string_view> bindings) const;

  // A passwordless sign-in: the challenge for kSignInCeremony bound to the passkey's owner
  // (the options named them) or to no one (then the user handle must name the owner), user
  // verification required. kInvalidCredentials for a passkey unknown or refused (the check
  // counts against the account's brute-force delay), kInvalidToken for the challenge.
  Result<AcceptedAssertion> CheckSignIn(const AssertionResponse& response) const;
  // A second factor for `user`: the challenge for kSecondFactorCeremony bound to `binding`,
  // one of the user's passkeys, user presence enough.
  Result<AcceptedAssertion> CheckSecondFactor(const AssertionResponse& response,
                                              const UserRecord& user,
                                              std::string_view binding) const;

  // The write that records the accepted assertion's counter, backup state and time, for the
  // transaction starting the session (kInvalidCredentials if another assertion with the same
  // counter came first); none (empty) when the counter is not used (0 before and after), the
  // backup state is unchanged and the last use is under a minute old. `accepted` must outlive
  // it.
  static std::function<Status(Connection&)> UseToRecord(const AcceptedAssertion& accepted,
                                                        std::int64_t now);

 private:
  // The passkey the response names and its owner; kInvalidCredentials when unknown.
  Result<PasskeyOwner> FindPasskey(const AssertionResponse& response) const;
  // Verifies the assertion (`client_data`: what UseChallenge read of it), against the
  // account's brute-force delay.
  Result<AcceptedAssertion> Verify(const AssertionResponse& response, const ClientData& client_data,
                                   PasskeyOwner found, bool user_verification_required) const;

  // The passkey's public key, parsed once per process (the cache holds kMaxParsedKeys and
  // starts again when full); nullptr when it does not parse.
  std::shared_ptr<const SigningKey> ParsedKey(const std::string& cose_key) const;

  AccountContext ctx_;
  std::optional<RelyingParty> rp_;
  ChallengeIssuer challenges_;
  mutable std::mutex keys_mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const SigningKey>> keys_;
};

// kInvalidCredentials for a passkey that cannot sign in: unknown, or its assertion refused.
Error PasskeyRefused(std::string reason);

}  // namespace gatehouse
