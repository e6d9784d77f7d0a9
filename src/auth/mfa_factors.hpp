#pragma once

#include <string>
#include <vector>

#include "core/factor_method.hpp"
#include "core/result.hpp"
#include "store/records.hpp"

namespace gatehouse {

class Connection;

// What enrolment, recovery codes and the sign-in challenge share about a user's factors.

// True when the user has confirmed a second factor of `method` (users.second_factors).
bool HasSecondFactor(const UserRecord& user, FactorMethod method);

// The user's factor of `method` in `factors`, or nullptr.
const MfaFactorRecord* FindFactor(const std::vector<MfaFactorRecord>& factors, FactorMethod method);
// A pointer into a temporary list would dangle (AddressSanitizer caught exactly that).
const MfaFactorRecord* FindFactor(std::vector<MfaFactorRecord>&& factors,
                                  FactorMethod method) = delete;

bool AnyConfirmed(const std::vector<MfaFactorRecord>& factors);

// Keeps users.second_factors in step with the confirmed factors (in the caller's
// transaction).
void RecordConfirmedMethods(Connection& sql, const std::string& user_id);

// kMfaInvalidCode: the code is wrong, used or expired.
Error WrongCode();

}  // namespace gatehouse
