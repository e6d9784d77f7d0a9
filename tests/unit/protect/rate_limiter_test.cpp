#include "protect/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "cache/memory/memory_cache.hpp"

namespace gatehouse {
namespace {

TEST(RateLimiter, LimitsEachKeyApartAndSaysWhenToComeBack) {
  ManualClock clock(1'800'000'000);  // the start of a one-minute window
  MemoryCache cache(clock, 1 << 20);
  RateLimiter limiter(cache, clock);
  RatePolicy policy{3, 60'000};
  for (int i = 0; i < 3; ++i) {
    RateDecision d = limiter.Check("login", policy, "192.0.2.1");
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 2 - i);
  }
  RateDecision refused = limiter.Check("login", policy, "192.0.2.1");
  EXPECT_FALSE(refused.allowed);
  // The burst weighs 3 until the window ends, then less as it slides out: 2 by 20 s later.
  EXPECT_EQ(refused.retry_after_seconds, 80);
  EXPECT_EQ(refused.reset_seconds, 120);
  EXPECT_TRUE(limiter.Check("login", policy, "192.0.2.2").allowed) << "another address";
  EXPECT_TRUE(limiter.Check("register", policy, "192.0.2.1").allowed) << "another policy";

  Status status = limiter.Require("login", policy, "192.0.2.1", "slow down");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::kRateLimited);
  EXPECT_EQ(status.error().retry_after_seconds, 80);

  clock.Advance(79);
  EXPECT_FALSE(limiter.Check("login", policy, "192.0.2.1").allowed);
  clock.Advance(1);
  EXPECT_TRUE(limiter.Check("login", policy, "192.0.2.1").allowed) << "when Retry-After said";
  EXPECT_FALSE(limiter.Check("login", policy, "192.0.2.1").allowed);
}

TEST(RateLimiter, RefusedRequestsDoNotCount) {
  ManualClock clock(1'800'000'000);
  MemoryCache cache(clock, 1 << 20);
  RateLimiter limiter(cache, clock);
  RatePolicy policy{2, 60'000};
  for (int i = 0; i < 100; ++i) limiter.Check("flood", policy, "k");
  clock.Advance(120);  // two windows on: the two admitted requests have slid out
  EXPECT_TRUE(limiter.Check("flood", policy, "k").allowed);
  EXPECT_TRUE(limiter.Check("flood", policy, "k").allowed);
  EXPECT_FALSE(limiter.Check("flood", policy, "k").allowed);
}

TEST(RateLimiter, ADisabledPolicyAllowsEverything) {
  ManualClock clock(1'700'000'000);
  MemoryCache cache(clock, 1 << 20);
  RateLimiter limiter(cache, clock);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Check("x", RatePolicy{}, "k").allowed);
}

TEST(RateLimiter, ConcurrentRequestsGetExactlyTheBurst) {
  SystemClock clock;
  MemoryCache cache(clock, 1 << 20);
  RateLimiter limiter(cache, clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        allowed += limiter.Check("burst", {50, 3'600'000}, "k").allowed ? 1 : 0;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 50);
}

}  // namespace
}  // namespace gatehouse
