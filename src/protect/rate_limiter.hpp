#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cache/cache.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "protect/rate_policy.hpp"

namespace gatehouse {

// What a rate limit decided, with what the RateLimit-* and Retry-After headers say.
struct RateDecision {
  bool allowed = true;
  RatePolicy policy;  // disabled: no limit applied, no headers
  std::int64_t remaining = 0;
  std::int64_t reset_seconds = 0;        // until the whole burst is available again
  std::int64_t retry_after_seconds = 0;  // when refused
};

// Sliding-window rate limits (protect/sliding_window.hpp) whose counters live in the shared
// cache, so a limit holds across every instance that shares it. Counters change only by the
// cache's atomic increment (Redis INCRBY, Memcached incr/decr, a lock in memory): no update
// is lost and no request is refused because others came at the same time. Fails open: when
// the cache does not answer, the request is allowed, and the failure shows in the cache
// error metric. Thread-safe.
class RateLimiter {
 public:
  RateLimiter(Cache& cache, const Clock& clock);

  // Counts one request of policy `name` (e.g. "login") from `key` (a client IP, an address).
  RateDecision Check(std::string_view name, const RatePolicy& policy, std::string_view key);

  // Check, as a Status: kRateLimited with `detail` and Retry-After when refused.
  Status Require(std::string_view name, const RatePolicy& policy, std::string_view key,
                 const char* detail);

 private:
  Cache& cache_;
  const Clock& clock_;
};

// A policy of `per_hour` requests per hour (0: none).
RatePolicy PerHour(int per_hour);

}  // namespace gatehouse
