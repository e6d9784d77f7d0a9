#include "protect/gcra.hpp"

#include <algorithm>

namespace gatehouse {

GcraResult Gcra(const RatePolicy& policy, std::optional<std::int64_t> tat_ms, std::int64_t now_ms) {
  const std::int64_t interval = std::max<std::int64_t>(1, policy.period_ms / policy.limit);
  const std::int64_t tolerance = interval * policy.limit;  // one whole burst ahead
  std::int64_t tat = std::max(tat_ms.value_or(now_ms), now_ms);
  std::int64_t new_tat = tat + interval;
  std::int64_t allow_at = new_tat - tolerance;
  GcraResult r;
  if (now_ms < allow_at) {
    r.retry_after_ms = allow_at - now_ms;
    r.reset_ms = tat - now_ms;
    return r;
  }
  r.allowed = true;
  r.tat_ms = new_tat;
  r.remaining = (now_ms - allow_at) / interval;
  r.reset_ms = new_tat - now_ms;
  return r;
}

}  // namespace gatehouse
