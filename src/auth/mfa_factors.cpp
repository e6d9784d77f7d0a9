#include "auth/mfa_factors.hpp"

#include <algorithm>

#include "core/comma_list.hpp"
#include "store/mfa_store.hpp"
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

bool AnyConfirmed(const std::vector<MfaFactorRecord>& factors) {
  return std::any_of(factors.begin(), factors.end(),
                     [](const MfaFactorRecord& f) { return f.confirmed_at.has_value(); });
}

void RecordConfirmedMethods(Connection& sql, const std::string& user_id) {
  std::vector<std::string> methods;
  for (const MfaFactorRecord& f : mfa_store::Factors(sql, user_id)) {
    if (f.confirmed_at) methods.emplace_back(NameOf(f.method));
  }
  user_store::SetSecondFactors(sql, user_id, JoinWithCommas(methods));
}

Error WrongCode() {
  return MakeError(Errc::kMfaInvalidCode, "wrong second-factor code",
                   "The code is wrong, used or expired.");
}

}  // namespace gatehouse
