#include "protect/attempt_throttle.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "cache/memory/memory_cache.hpp"

namespace gatehouse {
namespace {

class AttemptThrottleTest : public ::testing::Test {
 protected:
  ManualClock clock_{1'700'000'000};
  MemoryCache cache_{clock_, 1 << 20};
  BruteForceConfig config_{5, 1, 60};  // 5 free, then 1, 2, 4, ... up to 60 s
  AttemptThrottle throttle_{cache_, clock_, config_};
};

TEST_F(AttemptThrottleTest, FreeAttemptsThenDoublingDelaysUpToTheCap) {
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(throttle_.Take("ada@example.com").ok()) << i;
  std::vector<int> waits;
  for (int i = 0; i < 9; ++i) {
    Status refused = throttle_.Take("ada@example.com");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, Errc::kRateLimited);
    waits.push_back(refused.error().retry_after_seconds);
    clock_.Advance(refused.error().retry_after_seconds);
    EXPECT_TRUE(throttle_.Take("ada@example.com").ok()) << "allowed once the delay is over";
  }
  EXPECT_EQ(waits, (std::vector<int>{1, 2, 4, 8, 16, 32, 60, 60, 60}));
  EXPECT_TRUE(throttle_.Take("bob@example.com").ok()) << "accounts are counted apart";
}

TEST_F(AttemptThrottleTest, ASuccessStartsTheCountAgain) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(throttle_.Take("ada@example.com").ok());
  EXPECT_FALSE(throttle_.Take("ada@example.com").ok());
  throttle_.Reset("ada@example.com");
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(throttle_.Take("ada@example.com").ok()) << i;
}

TEST_F(AttemptThrottleTest, ParallelAttemptsCannotExceedTheFreeOnes) {
  SystemClock wall;
  MemoryCache cache(wall, 1 << 20);
  AttemptThrottle throttle(cache, wall, {5, 60, 60});
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) allowed += throttle.Take("ada@example.com").ok() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 5) << "100 attempts at once, 5 checked";
}

}  // namespace
}  // namespace gatehouse
