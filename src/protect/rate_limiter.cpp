#include "protect/rate_limiter.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "ops/metrics.hpp"
#include "protect/sliding_window.hpp"

namespace gatehouse {
namespace {

std::int64_t ParseCount(const std::optional<std::string>& stored) {
  std::int64_t count = 0;
  if (!stored) return 0;
  auto [end, ec] = std::from_chars(stored->data(), stored->data() + stored->size(), count);
  return ec == std::errc() && end == stored->data() + stored->size() ? count : 0;
}

std::int64_t CeilSeconds(std::int64_t ms) { return (ms + 999) / 1000; }

}  // namespace

RatePolicy PerHour(int per_hour) { return {per_hour, std::int64_t{3600} * 1000}; }

RateLimiter::RateLimiter(Cache& cache, const Clock& clock) : cache_(cache), clock_(clock) {}

RateDecision RateLimiter::Check(std::string_view name, const RatePolicy& policy,
                                std::string_view key) {
  RateDecision decision;
  if (!policy.enabled()) return decision;
  decision.policy = policy;
  std::int64_t now = clock_.NowMillis();
  std::int64_t window = now / policy.period_ms;
  std::string prefix;
  prefix.reserve(name.size() + key.size() + 28);
  prefix.append("rl:").append(name).append(":").append(key).append(":");
  std::string current_key = prefix + std::to_string(window);
  // A window's counter must outlive the next window, where it is the previous one.
  auto ttl = std::chrono::seconds(CeilSeconds(2 * policy.period_ms) + 1);

  WindowCounts counts;
  counts.elapsed_ms = now % policy.period_ms;
  auto counters = cache_.IncrementAndGet(current_key, 1, ttl, prefix + std::to_string(window - 1));
  if (!counters) return decision;  // fail open (counted in the cache error metric)
  counts.current = counters->incremented;
  counts.previous = ParseCount(counters->other);  // unreadable: judged without it
  WindowVerdict verdict = JudgeWindow(policy, counts);
  decision.remaining = verdict.remaining;
  decision.reset_seconds = CeilSeconds(verdict.reset_ms);
  if (verdict.allowed) return decision;

  // A refused request does not count, so a flood does not keep its source locked out for
  // longer than the limit says.
  if (auto undone = cache_.Increment(current_key, -1, ttl); !undone) {
    spdlog::warn("rate limit {}: a refused request stays counted: {}", name, undone.error().reason);
  }
  decision.allowed = false;
  decision.retry_after_seconds = std::max<std::int64_t>(1, CeilSeconds(verdict.retry_after_ms));
  ++GlobalMetrics().rate_limited;
  return decision;
}

Status RateLimiter::Require(std::string_view name, const RatePolicy& policy, std::string_view key,
                            const char* detail) {
  RateDecision decision = Check(name, policy, key);
  if (decision.allowed) return Ok{};
  Error limited = MakeError(Errc::kRateLimited, std::string(name) + " limit", detail);
  limited.retry_after_seconds = static_cast<int>(decision.retry_after_seconds);
  return limited;
}

}  // namespace gatehouse
