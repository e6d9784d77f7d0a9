#pragma once

#include <cstdint>
#include <optional>

namespace gatehouse {

// At most `limit` requests per `period_ms`, in a burst or spread out; limit 0 means no limit.
struct RatePolicy {
  std::int64_t limit = 0;
  std::int64_t period_ms = 0;

  bool enabled() const { return limit > 0 && period_ms > 0; }
};

struct GcraResult {
  bool allowed = false;
  std::int64_t tat_ms = 0;          // the state to store when allowed
  std::int64_t remaining = 0;       // requests still allowed right now
  std::int64_t retry_after_ms = 0;  // when refused: until the next one is allowed
  std::int64_t reset_ms = 0;        // until the full burst is available again
};

// The generic cell rate algorithm (as in ATM networks and redis-cell): the state is one
// number, the theoretical arrival time (TAT) of the next request; a request is allowed when
// it does not come more than one period ahead of its TAT. Equivalent to a token bucket of
// `limit` tokens refilled at limit/period, without a refill timer. `tat_ms`: the stored
// state, nullopt for a key never seen (or expired).
GcraResult Gcra(const RatePolicy& policy, std::optional<std::int64_t> tat_ms, std::int64_t now_ms);

}  // namespace gatehouse
