#pragma once

#include <string>

#include "auth/account_context.hpp"
#include "crypto/secret_box.hpp"
#include "store/records.hpp"

namespace gatehouse {

class Connection;

// 6-digit codes sent by e-mail or SMS, to confirm a new factor or to complete a sign-in:
// drawn from the CSPRNG, valid 10 minutes, 5 guesses, stored as a keyed hash, one live code
// per user and method (a new one replaces the old). Thread-safe.
class MfaCodes {
 public:
  static constexpr std::int64_t kValidSeconds = std::int64_t{10} * 60;
  static constexpr int kAttempts = 5;

  MfaCodes(const AccountContext& context, const SecretBox& box);

  // Counts a send to the user for `method` (e-mail or SMS) and to `destination`; both are
  // limited to mfa.codes_per_hour. kRateLimited past either limit.
  Status CountSend(const std::string& user_id, FactorMethod method, const std::string& destination);
  // Stores a new code and queues the message carrying it to `destination` (the account's
  // address, or a phone number), inside the caller's transaction. `purpose` completes "your
  // code to ...". Call the outbox's Notify() after the commit.
  void Queue(Connection& sql, const UserRecord& user, FactorMethod method,
             const std::string& destination, const std::string& purpose, std::int64_t now);
  // Uses the live code if `code` is it; false otherwise. Each call counts one guess, which
  // stays counted: commit the transaction even when this returns false.
  bool Use(Connection& sql, const std::string& user_id, FactorMethod method,
           const std::string& code, std::int64_t now);

 private:
  std::string Hash(const std::string& user_id, FactorMethod method, const std::string& code) const;

  AccountContext ctx_;
  const SecretBox& box_;
};

// Where a code was sent, masked ("a***@example.com", "+*********23").
struct CodeSent {
  std::string sent_to;
};

// Where a code went, for showing to the person who asked: "a***@example.com", "+*********23".
std::string MaskedDestination(const std::string& destination);

}  // namespace gatehouse
