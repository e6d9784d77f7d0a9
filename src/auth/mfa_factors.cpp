#include "auth/mfa_factors.hpp"

#include <algorithm>

#include "core/comma_list.hpp"
#include "core/time_format.hpp"
#include "crypto/totp.hpp"
#include "notify/outbox_sender.hpp"
#include "store/mfa_store.hpp"
#include "store/passkey_store.hpp"
#include "store/user_store.hpp"

namespace gatehouse {

bool HasSecondFactor(const UserRecord& user, FactorMethod method) {
  std::vector<std::string> methods = SplitCommas(user.second_factors);
  return std::find(methods.begin(), methods.end(), NameOf(method)) != methods.end();
}

const MfaFactorRecord* FindFactor(const std::vector<MfaFactorRecord>& factors,
                                  FactorMethod method) {
  auto it = std::find_if(factors.begin(), factors.end(),
                         [&](const MfaFactorRecord& f) { return f.method == method; });
  return it == factors.end() ? nullptr : &*it;
}

Result<bool> UseTotpCode(Connection& sql, const SecretBox& box, const std::string& user_id,
                         const std::string& code, std::int64_t now) {
  auto factors = mfa_store::Factors(sql, user_id);
  const MfaFactorRecord* totp = FindFactor(factors, FactorMethod::kTotp);
  if (!totp || !totp->confirmed_at) return false;
  auto secret = box.Open(totp->sealed_secret.value_or(""));
  if (!secret) return MakeError(Errc::kUnavailable, "TOTP secret does not open (mfa key?)");
  std::optional<std::uint64_t> last;
  if (totp->last_counter) last = static_cast<std::uint64_t>(*totp->last_counter);
  auto counter = VerifyTotp(*secret, code, now, last);
  // The conditional update refuses the step if a concurrent request took it first.
  return counter && mfa_store::AdvanceCounter(sql, user_id, *counter);
}

std::vector<FactorMethod> ConfirmedMethods(Connection& sql, const std::string& user_id) {
  std::vector<FactorMethod> methods;
  for (const MfaFactorRecord& f : mfa_store::Factors(sql, user_id)) {
    if (f.confirmed_at) methods.push_back(f.method);
  }
  if (passkey_store::CountOf(sql, user_id) > 0) methods.push_back(FactorMethod::kWebauthn);
  return methods;
}

std::vector<FactorMethod> RecordConfirmedMethods(Connection& sql, const std::string& user_id) {
  std::vector<FactorMethod> methods = ConfirmedMethods(sql, user_id);
  user_store::SetSecondFactors(sql, user_id, JoinWithCommas(NamesOf(methods)));
  if (methods.empty()) mfa_store::DeleteRecoveryCodes(sql, user_id);
  return methods;
}

void QueueFactorNotice(Connection& sql, const AccountContext& ctx, const UserRecord& user,
                       const std::string& change, std::int64_t now) {
  RenderedMessage notice = ctx.templates.Render(
      MessageKind::kMfaChanged, {{"product", ctx.config.mail.product_name},
                                 {"name", user.NameOrEmail()},
                                 {"change", change},
                                 {"time", FormatRfc3339(now)},
                                 {"reset_url", ctx.config.ui.link_base + "/forgot-password"}});
  OutboxSender::Enqueue(sql, user.email, notice, now);
}

Error WrongCode() {
  return MakeError(Errc::kMfaInvalidCode, "wrong second-factor code",
                   "The code is wrong, used or expired.");
}

}  // namespace gatehouse
