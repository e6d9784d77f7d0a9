#include "protect/rate_limiter.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "ops/metrics.hpp"

namespace gatehouse {
namespace {

// Compare-and-set rounds before a key this contended counts as over its limit.
constexpr int kMaxRounds = 16;

std::optional<std::int64_t> ParseTat(const std::optional<std::string>& stored) {
  if (!stored) return std::nullopt;
  std::int64_t tat = 0;
  auto [end, ec] = std::from_chars(stored->data(), stored->data() + stored->size(), tat);
  if (ec != std::errc() || end != stored->data() + stored->size()) return std::nullopt;
  return tat;
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
  std::string cache_key = "rl:" + std::string(name) + ":" + std::string(key);
  for (int round = 0; round < kMaxRounds; ++round) {
    auto stored = cache_.Get(cache_key);
    if (!stored) return decision;  // fail open
    std::int64_t now = clock_.NowMillis();
    GcraResult r = Gcra(policy, ParseTat(*stored), now);
    decision.reset_seconds = CeilSeconds(r.reset_ms);
    if (!r.allowed) {
      decision.allowed = false;
      decision.retry_after_seconds = std::max<std::int64_t>(1, CeilSeconds(r.retry_after_ms));
      ++GlobalMetrics().rate_limited;
      return decision;
    }
    auto ttl = std::chrono::seconds(std::max<std::int64_t>(1, CeilSeconds(r.tat_ms - now)));
    auto swapped = cache_.CompareAndSet(cache_key, *stored, std::to_string(r.tat_ms), ttl);
    if (!swapped) return decision;  // fail open
    if (*swapped) {
      decision.remaining = r.remaining;
      return decision;
    }
  }
  spdlog::warn("rate limit {}: key too contended, refusing", name);
  decision.allowed = false;
  decision.retry_after_seconds = 1;
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
