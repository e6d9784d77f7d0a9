#include "auth/passkey_ceremonies.hpp"

#include "crypto/random.hpp"
#include "store/passkey_store.hpp"
#include "webauthn/client_data.hpp"
#include "webauthn/cose_key.hpp"

namespace gatehouse {
namespace {

// Parsed public keys kept: a few MiB at most, enough for the passkeys in use at once.
constexpr std::size_t kMaxParsedKeys = 10000;
// How old the stored "last used" time may be before a sign-in writes it again. Synced passkeys
// keep their counter at 0: without this, each of their sign-ins would also write the passkey's
// row, for a time shown to the minute at best.
constexpr std::int64_t kLastUsedPrecisionSeconds = 60;

Error ChallengeRefused(std::string reason) {
  return MakeError(Errc::kInvalidToken, std::move(reason),
                   "This passkey request expired or was used already; start again.");
}

// §7.2 step 6: a user handle, when the authenticator gives one, must be the owner's (an owner
// without one matches none).
Status CheckUserHandle(const AssertionResponse& response, const PasskeyOwner& found) {
  if (response.user_handle &&
      (found.user_handle.empty() || *response.user_handle != found.user_handle)) {
    return PasskeyRefused("webauthn: user handle of another user");
  }
  return Ok{};
}

}  // namespace

Error PasskeyRefused(std::string reason) {
  return MakeError(Errc::kInvalidCredentials, std::move(reason),
                   "This passkey could not be verified; try again, or sign in another way.");
}

PasskeyCeremonies::PasskeyCeremonies(const AccountContext& context, const SecretBox& box)
    : ctx_(context),
      rp_(RelyingPartyOf(context.config.webauthn.rp_id, context.config.webauthn.origins,
                         context.config.server.public_url)),
      challenges_(box) {}

Result<const RelyingParty*> PasskeyCeremonies::Party() const {
  if (!rp_) {
    return MakeError(Errc::kNotImplemented, "passkeys off: public_url has no domain name",
                     "Passkeys are off on this server: its public URL needs a domain name (such "
                     "as http://localhost:8080), not an IP address.");
  }
  return &*rp_;
}

std::string PasskeyCeremonies::IssueChallenge(std::string_view purpose,
                                              std::string_view binding) const {
  return challenges_.Issue(purpose, binding, ctx_.clock.NowSeconds());
}

Result<UsedChallenge> PasskeyCeremonies::UseChallenge(
    std::string_view client_data_json, std::string_view purpose,
    std::initializer_list<std::string_view> bindings) const {
  auto client_data = ParseClientData(client_data_json);
  if (!client_data) return ChallengeRefused("webauthn: client data malformed");
  std::int64_t now = ctx_.clock.NowSeconds();
  std::size_t index = 0;
  std::optional<std::string> nonce;
  for (std::string_view binding : bindings) {
    nonce = challenges_.Check(client_data->challenge, purpose, binding, now);
    if (nonce) break;
    ++index;
  }
  if (!nonce) return ChallengeRefused("webauthn: challenge not ours, misplaced or expired");
  // The first use makes the count 1; any later one, whatever the first one's outcome, more.
  auto uses = ctx_.cache.Increment("webauthn:" + Base64UrlEncode(*nonce), 1,
                                   std::chrono::seconds(ChallengeIssuer::kLifetimeSeconds + 60));
  if (!uses) return uses.error();
  if (*uses != 1) return ChallengeRefused("webauthn: challenge used before");
  return UsedChallenge{std::move(*client_data), index};
}

Result<PasskeyOwner> PasskeyCeremonies::FindPasskey(const AssertionResponse& response) const {
  auto found = ctx_.db.Run<std::optional<PasskeyOwner>>(
      [&](Connection& sql) -> Result<std::optional<PasskeyOwner>> {
        return passkey_store::FindWithOwner(sql, response.credential_id);
      });
  if (!found) return found.error();
  if (!*found) return PasskeyRefused("webauthn: unknown credential");
  return std::move(**found);
}

Result<AcceptedAssertion> PasskeyCeremonies::Verify(const AssertionResponse& response,
                                                    const ClientData& client_data,
                                                    PasskeyOwner found,
                                                    bool user_verification_required) const {
  auto rp = Party();
  if (!rp) return rp.error();
  PasskeyRecord& passkey = found.passkey;
  UserRecord& user = found.user;
  // Refused assertions count as wrong passwords do: one delay per account, whatever the way.
  if (Status taken = ctx_.attempts.Take(user.email); !taken) return taken.error();
  KnownCredential known{passkey.public_key, passkey.sign_count, passkey.backup_eligible,
                        ParsedKey(passkey.public_key)};
  // The challenge to expect is the one UseChallenge found issued here (its MAC) and unused.
  auto verified =
      VerifyAssertion(**rp, {client_data.challenge, user_verification_required}, known, client_data,
                      response.client_data_json, response.authenticator_data, response.signature);
  if (!verified) return PasskeyRefused(verified.error().reason);
  ctx_.attempts.Reset(user.email);
  return AcceptedAssertion{std::move(passkey), std::move(user), *verified};
}

std::shared_ptr<const SigningKey> PasskeyCeremonies::ParsedKey(const std::string& cose_key) const {
  {
    std::lock_guard lock(keys_mutex_);
    if (auto it = keys_.find(cose_key); it != keys_.end()) return it->second;
  }
  auto parsed = CoseKeyToSigningKey(cose_key);
  if (!parsed) return nullptr;  // VerifyAssertion refuses it, saying why
  std::lock_guard lock(keys_mutex_);
  if (keys_.size() >= kMaxParsedKeys) keys_.clear();
  return keys_.emplace(cose_key, std::move(*parsed)).first->second;
}

Result<AcceptedAssertion> PasskeyCeremonies::CheckSignIn(const AssertionResponse& response) const {
  if (auto rp = Party(); !rp) return rp.error();
  auto found = FindPasskey(response);
  if (!found) return found.error();
  const UserRecord& owner = found->user;
  // The options named the user (an e-mail address was given) or no one (a discoverable
  // credential): then only the user handle says whose it is (§7.2 step 6).
  auto challenge = UseChallenge(response.client_data_json, kSignInCeremony, {owner.id, ""});
  if (!challenge) return challenge.error();
  bool identified = challenge->binding == 0;
  if (!identified && !response.user_handle) {
    return PasskeyRefused("webauthn: no user handle for a discoverable sign-in");
  }
  if (Status same = CheckUserHandle(response, *found); !same) return same.error();
  if (ctx_.config.accounts.require_verified_email && !owner.email_verified) {
    return MakeError(Errc::kEmailNotVerified, "e-mail not verified",
                     "Verify your e-mail address before signing in.");
  }
  return Verify(response, challenge->client_data, std::move(*found),
                /*user_verification_required=*/true);
}

Result<AcceptedAssertion> PasskeyCeremonies::CheckSecondFactor(const AssertionResponse& response,
                                                               const UserRecord& user,
                                                               std::string_view binding) const {
  if (auto rp = Party(); !rp) return rp.error();
  auto challenge = UseChallenge(response.client_data_json, kSecondFactorCeremony, {binding});
  if (!challenge) return challenge.error();
  auto found = FindPasskey(response);
  if (!found) return found.error();
  if (found->user.id != user.id) return PasskeyRefused("webauthn: another user's passkey");
  if (Status same = CheckUserHandle(response, *found); !same) return same.error();
  return Verify(response, challenge->client_data, std::move(*found),
                /*user_verification_required=*/false);
}

std::function<Status(Connection&)> PasskeyCeremonies::UseToRecord(const AcceptedAssertion& accepted,
                                                                  std::int64_t now) {
  const PasskeyRecord& passkey = accepted.passkey;
  const VerifiedAssertion& verified = accepted.verified;
  bool counted = passkey.sign_count != 0 || verified.sign_count != 0;
  bool stale = !passkey.last_used_at || now - *passkey.last_used_at >= kLastUsedPrecisionSeconds;
  if (!counted && !stale && verified.backed_up == passkey.backed_up) {
    return nullptr;
  }
  return [&accepted, now](Connection& sql) -> Status {
    if (!passkey_store::RecordUse(sql, accepted.passkey.id, accepted.passkey.sign_count,
                                  accepted.verified.sign_count, accepted.verified.backed_up, now)) {
      return PasskeyRefused("webauthn: a concurrent assertion moved the counter first");
    }
    return Ok{};
  };
}

}  // namespace gatehouse
