#pragma once

#include <string_view>

#include "cache/cache.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace gatehouse {

// Brute-force defence per account (OWASP ASVS 2.2.1): password and second-factor guesses at
// one account are counted, and past `free_attempts` each further attempt must wait a delay
// that doubles from `base_delay_seconds` up to `max_delay_seconds` — a slowdown, never a
// lockout an attacker could impose on the owner. A slot is taken before the secret is
// checked, with compare-and-set in the shared cache, so parallel guesses (on any instance)
// cannot exceed the count. The account key is the normalized e-mail address, known or not,
// so the answer reveals nothing about whether the account exists. Fails open when the cache
// does not answer. Thread-safe.
class AttemptThrottle {
 public:
  AttemptThrottle(Cache& cache, const Clock& clock, const BruteForceConfig& config);

  // Takes an attempt for `account`; kRateLimited with Retry-After while its delay runs.
  Status Take(std::string_view account);
  // A completed sign-in: the account's count starts again.
  void Reset(std::string_view account);

 private:
  std::int64_t DelayAfterMs(std::int64_t attempts) const;

  Cache& cache_;
  const Clock& clock_;
  BruteForceConfig config_;
};

}  // namespace gatehouse
