#include "protect/sliding_window.hpp"

#include <algorithm>

namespace gatehouse {
namespace {

// How far into a window the previous window's `previous` requests weigh at most `room`.
std::int64_t WhenCarriedFits(std::int64_t previous, std::int64_t room, std::int64_t period_ms) {
  if (previous <= room) return 0;
  // previous * (P - e) <= room * P  <=>  e >= P - room * P / previous
  return period_ms - (room * period_ms) / previous;
}

}  // namespace

WindowVerdict JudgeWindow(const RatePolicy& policy, const WindowCounts& counts) {
  const std::int64_t period = policy.period_ms;
  const std::int64_t until_next_window = period - counts.elapsed_ms;
  // In request-milliseconds, so no rounding lets one more through.
  const std::int64_t weight = counts.current * period + counts.previous * until_next_window;
  const std::int64_t capacity = policy.limit * period;
  WindowVerdict v;
  v.allowed = weight <= capacity;
  v.remaining = std::max<std::int64_t>(0, (capacity - weight) / period);
  if (counts.current > 0) {
    v.reset_ms = until_next_window + period;
  } else if (counts.previous > 0) {
    v.reset_ms = until_next_window;
  }
  if (v.allowed) return v;

  // Refused: this request is not counted; when would one more fit?
  const std::int64_t others = counts.current - 1;
  std::int64_t wait = 0;
  if (others + 1 <= policy.limit) {
    // Later in this window, once the previous window weighs little enough.
    std::int64_t at = WhenCarriedFits(counts.previous, policy.limit - others - 1, period);
    wait = at < period ? at - counts.elapsed_ms : -1;
  } else {
    wait = -1;
  }
  if (wait < 0) {
    // In the next window, where this window's requests are the carried ones.
    wait = until_next_window + WhenCarriedFits(others, policy.limit - 1, period);
  }
  v.retry_after_ms = std::max<std::int64_t>(1, wait);
  return v;
}

}  // namespace gatehouse
