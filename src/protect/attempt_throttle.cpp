#include "protect/attempt_throttle.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "ops/metrics.hpp"

namespace gatehouse {
namespace {

constexpr int kMaxRounds = 16;
// How long an account's count is remembered after its last attempt.
constexpr std::int64_t kMemorySeconds = std::int64_t{24} * 60 * 60;

// The stored state: "<attempts>:<unix ms before which the next attempt waits>".
struct State {
  std::int64_t attempts = 0;
  std::int64_t next_allowed_ms = 0;
};

State Parse(const std::optional<std::string>& stored) {
  State s;
  if (!stored) return s;
  const char* begin = stored->data();
  const char* end = begin + stored->size();
  auto [colon, ec] = std::from_chars(begin, end, s.attempts);
  if (ec != std::errc() || colon == end || *colon != ':') return {};
  std::from_chars(colon + 1, end, s.next_allowed_ms);
  return s;
}

Error Delayed(std::int64_t wait_ms) {
  Error e = MakeError(Errc::kRateLimited, "sign-in delay",
                      "Too many attempts for this account; wait before trying again.");
  e.retry_after_seconds = static_cast<int>(std::max<std::int64_t>(1, (wait_ms + 999) / 1000));
  return e;
}

}  // namespace

AttemptThrottle::AttemptThrottle(Cache& cache, const Clock& clock, const BruteForceConfig& config)
    : cache_(cache), clock_(clock), config_(config) {}

std::int64_t AttemptThrottle::DelayAfterMs(std::int64_t attempts) const {
  std::int64_t past = attempts - config_.free_attempts;  // 0 for the last free attempt
  if (past < 0) return 0;
  std::int64_t delay = std::int64_t{config_.base_delay_seconds} << std::min<std::int64_t>(past, 30);
  return std::min<std::int64_t>(delay, config_.max_delay_seconds) * 1000;
}

Status AttemptThrottle::Take(std::string_view account) {
  std::string key = "bf:" + std::string(account);
  for (int round = 0; round < kMaxRounds; ++round) {
    auto stored = cache_.Get(key);
    if (!stored) return Ok{};  // fail open
    State state = Parse(*stored);
    std::int64_t now = clock_.NowMillis();
    if (now < state.next_allowed_ms) {
      ++GlobalMetrics().sign_ins_delayed;
      return Delayed(state.next_allowed_ms - now);
    }
    State next{state.attempts + 1, now + DelayAfterMs(state.attempts + 1)};
    auto swapped = cache_.CompareAndSet(
        key, *stored, std::to_string(next.attempts) + ":" + std::to_string(next.next_allowed_ms),
        std::chrono::seconds(kMemorySeconds));
    if (!swapped) return Ok{};  // fail open
    if (*swapped) return Ok{};
  }
  spdlog::warn("brute-force throttle: account key too contended, refusing");
  ++GlobalMetrics().sign_ins_delayed;
  return Delayed(1000);
}

void AttemptThrottle::Reset(std::string_view account) {
  if (Status removed = cache_.Remove("bf:" + std::string(account)); !removed) {
    spdlog::warn("brute-force throttle: reset failed: {}", removed.error().reason);
  }
}

}  // namespace gatehouse
