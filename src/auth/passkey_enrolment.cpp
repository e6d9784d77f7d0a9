#include "auth/passkey_enrolment.hpp"

#include <algorithm>
#include <array>

#include "auth/mfa_factors.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/security_log.hpp"
#include "auth/validation.hpp"
#include "core/comma_list.hpp"
#include "crypto/random.hpp"
#include "notify/outbox_sender.hpp"
#include "store/passkey_store.hpp"
#include "store/user_store.hpp"
#include "webauthn/attestation_roots.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kUserHandleBytes = 32;

// The transports of WebAuthn's AuthenticatorTransport enum; others are dropped, not stored.
std::string KnownTransports(const std::vector<std::string>& given) {
  static constexpr std::array<std::string_view, 6> kKnown = {"usb",    "nfc",      "ble",
                                                             "hybrid", "internal", "smart-card"};
  std::vector<std::string> kept;
  for (const std::string& t : given) {
    bool known = std::find(kKnown.begin(), kKnown.end(), t) != kKnown.end();
    if (known && std::find(kept.begin(), kept.end(), t) == kept.end()) kept.push_back(t);
  }
  return JoinWithCommas(kept);
}

std::string Quoted(const std::string& name) { return "\u201c" + name + "\u201d"; }

}  // namespace

PasskeyEnrolment::PasskeyEnrolment(const AccountContext& context,
                                   const PasskeyCeremonies& ceremonies, const SecretBox& box,
                                   const AttestationRoots* roots)
    : ctx_(context), ceremonies_(ceremonies), box_(box), roots_(roots) {}

Result<std::string> PasskeyEnrolment::CheckedName(const std::string& name) {
  std::string_view trimmed = name;
  while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
  if (trimmed.empty()) return std::string("Passkey");
  if (auto problem = CheckName(trimmed)) {
    return MakeError(Errc::kValidationFailed, "bad passkey name", "'name': " + *problem);
  }
  if (CodePointCount(trimmed) > kMaxNameCharacters) {
    return MakeError(
        Errc::kValidationFailed, "passkey name too long",
        "'name' may have at most " + std::to_string(kMaxNameCharacters) + " characters.");
  }
  return std::string(trimmed);
}

Result<nlohmann::json> PasskeyEnrolment::CreationOptions(const AccessContext& caller,
                                                         const std::string& password) const {
  auto rp = ceremonies_.Party();
  if (!rp) return rp.error();
  auto user = CheckPasswordOf(ctx_, caller.user_id, password);
  if (!user) return user.error();
  using Known = std::pair<std::string, std::vector<std::string>>;  // handle, credential IDs
  auto known = ctx_.db.Transaction<Known>([&](Connection& sql) -> Result<Known> {
    Known k;
    k.first = passkey_store::HandleOf(sql, user->id, RandomBytes(kUserHandleBytes));
    for (const PasskeyRecord& p : passkey_store::OfUser(sql, user->id)) {
      k.second.push_back(p.credential_id);
    }
    return k;
  });
  if (!known) return known.error();
  if (known->second.size() >= static_cast<std::size_t>(kMaxPasskeys)) {
    return MakeError(Errc::kConflict, "too many passkeys",
                     "This account has " + std::to_string(kMaxPasskeys) +
                         " passkeys, the most it may have; remove one first.");
  }
  PasskeyUser who{known->first, user->email, user->NameOrEmail()};
  std::string attestation = roots_ ? "direct" : "none";
  return gatehouse::CreationOptions(**rp, ctx_.config.ui.product_name, who,
                                    ceremonies_.IssueChallenge(kRegisterCeremony, user->id),
                                    known->second, attestation);
}

Status PasskeyEnrolment::CheckAttestation(const NewCredential& credential) const {
  if (!roots_) return Ok{};
  if (credential.attestation_chain.empty() ||
      !roots_->Trusts(credential.attestation_chain, ctx_.clock.NowSeconds())) {
    return MakeError(Errc::kValidationFailed, "webauthn: attestation not trusted",
                     "This server accepts only security keys from makers it trusts, and this "
                     "one's attestation does not chain to them.");
  }
  return Ok{};
}

Result<PasskeyAdded> PasskeyEnrolment::Register(const AccessContext& caller,
                                                const RegistrationResponse& response,
                                                const std::string& name) const {
  auto rp = ceremonies_.Party();
  if (!rp) return rp.error();
  auto checked_name = CheckedName(name);
  if (!checked_name) return checked_name.error();
  auto challenge =
      ceremonies_.UseChallenge(response.client_data_json, kRegisterCeremony, {caller.user_id});
  if (!challenge) return challenge.error();
  auto credential =
      VerifyRegistration(**rp, {challenge->client_data.challenge, false}, challenge->client_data,
                         response.client_data_json, response.attestation_object);
  if (!credential) {
    return MakeError(Errc::kValidationFailed, credential.error().reason,
                     "The new passkey was refused (" + credential.error().reason + ").");
  }
  if (credential->credential_id != response.credential_id) {
    return MakeError(Errc::kValidationFailed, "webauthn: rawId is not the attested credential ID",
                     "The new passkey was refused (its id is not the one it attests).");
  }
  if (Status trusted = CheckAttestation(*credential); !trusted) return trusted.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  PasskeyAdded added;
  PasskeyRecord& p = added.passkey;
  p.id = RandomToken(16);
  p.user_id = caller.user_id;
  p.credential_id = credential->credential_id;
  p.public_key = credential->public_key;
  p.algorithm = credential->algorithm;
  p.aaguid = credential->aaguid;
  p.name = *checked_name;
  p.sign_count = credential->sign_count;
  p.backup_eligible = credential->backup_eligible;
  p.backed_up = credential->backed_up;
  p.user_verified = credential->user_verified;
  p.attestation_format = credential->attestation_format;
  p.transports = KnownTransports(response.transports);
  p.created_at = now;
  auto stored = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto user = user_store::FindById(sql, caller.user_id);
    if (!user) return MakeError(Errc::kTokenRevoked, "user no longer exists");
    if (passkey_store::CountOf(sql, user->id) >= kMaxPasskeys) {
      return MakeError(Errc::kConflict, "too many passkeys",
                       "This account has the most passkeys it may have; remove one first.");
    }
    if (!passkey_store::Insert(sql, p)) {
      return MakeError(Errc::kConflict, "credential registered already",
                       "This passkey is registered already.");
    }
    bool first_factor = user->second_factors.empty();
    RecordConfirmedMethods(sql, user->id);
    QueueFactorNotice(sql, ctx_, *user,
                      "A passkey (" + Quoted(p.name) +
                          ") was added: it signs you in, and counts as a second factor.",
                      now);
    if (first_factor) added.recovery_codes = IssueRecoveryCodes(sql, user->id, now);
    ctx_.security_log.Append(sql, {SecurityEventType::kPasskeyAdded,
                                   user->id,
                                   caller.session_id,
                                   "",
                                   caller.client,
                                   {{"passkey_id", p.id}, {"name", p.name}}});
    return Ok{};
  });
  if (!stored) return stored.error();
  ctx_.outbox.Notify();
  return added;
}

Result<std::vector<PasskeyRecord>> PasskeyEnrolment::List(const std::string& user_id) const {
  return ctx_.db.Run<std::vector<PasskeyRecord>>(
      [&](Connection& sql) -> Result<std::vector<PasskeyRecord>> {
        return passkey_store::OfUser(sql, user_id);
      });
}

Status PasskeyEnrolment::Rename(const AccessContext& caller, const std::string& passkey_id,
                                const std::string& name) const {
  auto checked_name = CheckedName(name);
  if (!checked_name) return checked_name.error();
  return ctx_.db.Write<Ok>([&](Connection& sql) -> Status {
    if (!passkey_store::Rename(sql, caller.user_id, passkey_id, *checked_name)) {
      return MakeError(Errc::kNotFound, "no such passkey");
    }
    return Ok{};
  });
}

Result<UserRecord> PasskeyEnrolment::CheckPresence(const AccessContext& caller,
                                                   const PresenceProof& proof) const {
  if (proof.kind == PresenceProof::Kind::kPassword) {
    return CheckPasswordOf(ctx_, caller.user_id, proof.secret);
  }
  // A code is guessed as a password is: the same delay per account.
  return CheckProofOf(
      ctx_, caller.user_id,
      [&](const UserRecord& user) {
        return ctx_.db.Transaction<bool>([&](Connection& sql) -> Result<bool> {
          return UseTotpCode(sql, box_, user.id, proof.secret, ctx_.clock.NowSeconds());
        });
      },
      WrongCode());
}

Status PasskeyEnrolment::Remove(const AccessContext& caller, const std::string& passkey_id,
                                const PresenceProof& proof) const {
  auto user = CheckPresence(caller, proof);
  if (!user) return user.error();
  std::int64_t now = ctx_.clock.NowSeconds();
  auto removed = ctx_.db.Transaction<Ok>([&](Connection& sql) -> Status {
    auto name = passkey_store::Delete(sql, user->id, passkey_id);
    if (!name) return MakeError(Errc::kNotFound, "no such passkey");
    RecordConfirmedMethods(sql, user->id);
    QueueFactorNotice(sql, ctx_, *user, "A passkey (" + Quoted(*name) + ") was removed.", now);
    ctx_.security_log.Append(sql, {SecurityEventType::kPasskeyRemoved,
                                   user->id,
                                   caller.session_id,
                                   "",
                                   caller.client,
                                   {{"passkey_id", passkey_id}, {"name", *name}}});
    return Ok{};
  });
  if (removed) ctx_.outbox.Notify();
  return removed;
}

}  // namespace gatehouse
