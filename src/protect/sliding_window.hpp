#pragma once

#include <cstdint>

#include "protect/rate_policy.hpp"

namespace gatehouse {

// The counts a sliding-window limit judges by: requests in the current fixed window of one
// period, and in the window before it.
struct WindowCounts {
  std::int64_t current = 0;     // in the current window, the request being judged included
  std::int64_t previous = 0;    // in the previous window
  std::int64_t elapsed_ms = 0;  // how far into the current window it is now
};

struct WindowVerdict {
  bool allowed = false;
  std::int64_t remaining = 0;       // requests still allowed right now
  std::int64_t retry_after_ms = 0;  // when refused: until one more is allowed
  std::int64_t reset_ms = 0;        // until the whole limit is available again
};

// The sliding window counter (as Cloudflare's rate limiting does it): the previous window
// counts in proportion to how much of it still lies within one period of now, and a request
// is allowed while current + weighted previous <= limit. A burst of `limit` is allowed at
// once, then requests come back as the burst slides out of the period. Its state is two counters
// that only ever change by atomic increments, so any number of instances can share it through a
// cache without losing an update or giving up under contention (which compare-and-set state, such
// as GCRA's, must).
WindowVerdict JudgeWindow(const RatePolicy& policy, const WindowCounts& counts);

}  // namespace gatehouse
