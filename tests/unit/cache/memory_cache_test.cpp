#include "cache/memory/memory_cache.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace gatehouse {
namespace {

using std::chrono::seconds;

TEST(MemoryCache, StoresAndExpiresWithTheClock) {
  ManualClock clock(1000);
  MemoryCache cache(clock, 1 << 20);
  ASSERT_TRUE(cache.Set("k", "v", seconds(10)).ok());
  EXPECT_EQ(cache.Get("k")->value(), "v");
  clock.Advance(9);
  EXPECT_EQ(cache.Get("k")->value(), "v");
  clock.Advance(1);
  EXPECT_FALSE(cache.Get("k")->has_value());
}

TEST(MemoryCache, SetReplacesAndRemoveDeletes) {
  ManualClock clock(0);
  MemoryCache cache(clock, 1 << 20);
  ASSERT_TRUE(cache.Set("k", "one", seconds(10)).ok());
  ASSERT_TRUE(cache.Set("k", "two", seconds(10)).ok());
  EXPECT_EQ(cache.Get("k")->value(), "two");
  ASSERT_TRUE(cache.Remove("k").ok());
  EXPECT_FALSE(cache.Get("k")->has_value());
  EXPECT_TRUE(cache.Remove("missing").ok());
}

TEST(MemoryCache, IncrementCountsAndKeepsItsFirstExpiry) {
  ManualClock clock(0);
  MemoryCache cache(clock, 1 << 20);
  EXPECT_EQ(*cache.Increment("n", 1, seconds(10)), 1);
  clock.Advance(5);
  EXPECT_EQ(*cache.Increment("n", 2, seconds(10)), 3);
  clock.Advance(5);
  EXPECT_EQ(*cache.Increment("n", 1, seconds(10)), 1) << "window ended at t=10";
  ASSERT_TRUE(cache.Set("text", "abc", seconds(10)).ok());
  EXPECT_FALSE(cache.Increment("text", 1, seconds(10)).ok());
}

TEST(MemoryCache, ConcurrentIncrementsLoseNothing) {
  ManualClock clock(0);
  MemoryCache cache(clock, 1 << 20);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) ASSERT_TRUE(cache.Increment("n", 1, seconds(60)).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*cache.Increment("n", 0, seconds(60)), 8000);
}

TEST(MemoryCache, StaysWithinItsMemoryBoundByEvictingLeastRecentlyUsed) {
  ManualClock clock(0);
  const std::size_t bound = 1 << 20;
  MemoryCache cache(clock, bound);
  std::string value(1000, 'x');
  ASSERT_TRUE(cache.Set("keep", "v", seconds(1000)).ok());
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(cache.Set("key" + std::to_string(i), value, seconds(1000)).ok());
    if (i % 100 == 0) {
      ASSERT_TRUE(cache.Get("keep").ok());  // keep it recently used
    }
  }
  EXPECT_LE(cache.BytesUsed(), bound);
  EXPECT_FALSE(cache.Get("key0")->has_value()) << "oldest evicted";
  EXPECT_TRUE(cache.Get("key4999")->has_value());
}

}  // namespace
}  // namespace gatehouse
