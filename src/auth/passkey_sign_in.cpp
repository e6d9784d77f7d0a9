#include "auth/passkey_sign_in.hpp"

#include "auth/security_log.hpp"
#include "auth/validation.hpp"
#include "ops/metrics.hpp"
#include "store/passkey_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {

PasskeySignIn::PasskeySignIn(const AccountContext& context, const PasskeyCeremonies& ceremonies)
    : ctx_(context), ceremonies_(ceremonies) {}

Result<nlohmann::json> PasskeySignIn::Options(const std::optional<std::string>& email) const {
  auto rp = ceremonies_.Party();
  if (!rp) return rp.error();
  std::string user_id;
  std::vector<std::string> allow;
  if (email) {
    auto address = RequireEmail(*email);
    if (!address) return address.error();
    auto found = ctx_.db.Run<std::optional<UserRecord>>(
        [&](Connection& sql) -> Result<std::optional<UserRecord>> {
          auto user = user_store::FindByEmail(sql, *address);
          if (user) {
            for (const PasskeyRecord& p : passkey_store::OfUser(sql, user->id)) {
              allow.push_back(p.credential_id);
            }
          }
          return user;
        });
    if (!found) return found.error();
    if (*found && !allow.empty()) user_id = (*found)->id;
  }
  std::string challenge = ceremonies_.IssueChallenge(kSignInCeremony, user_id);
  return RequestOptions(**rp, challenge, allow, "required");
}

Result<TokenPair> PasskeySignIn::SignIn(const AssertionResponse& assertion, bool remember_me,
                                        const ClientInfo& client) const {
  auto accepted = ceremonies_.CheckSignIn(assertion);
  if (!accepted) {
    ++GlobalMetrics().logins_failed;
    // Whose passkey it was is not known here: the assertion may name anyone's credential.
    if (accepted.error().code != Errc::kUnavailable) {
      ctx_.security_log.Record({SecurityEventType::kSignInFailed,
                                "",
                                "",
                                "",
                                client,
                                {{"method", "webauthn"}, {"reason", accepted.error().reason}}});
    }
    return accepted.error();
  }
  std::int64_t now = ctx_.clock.NowSeconds();
  auto pair = ctx_.tokens.StartSession(accepted->user, remember_me, {"webauthn", "mfa"}, client,
                                       PasskeyCeremonies::UseToRecord(*accepted, now));
  if (pair) ++GlobalMetrics().logins_succeeded;
  return pair;
}

}  // namespace gatehouse
