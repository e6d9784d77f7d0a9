// One contract, every Cache backend: the same assertions against the in-memory cache and
// real Redis and Memcached servers (ports from REDIS_PORT / MEMCACHED_PORT, set by
// scripts/test.sh; TEST_REQUIRE_BACKENDS=1 turns a missing server into a failure).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "cache/memcached/memcached_cache.hpp"
#include "cache/memory/memory_cache.hpp"
#include "cache/redis/redis_cache.hpp"
#include "config/config.hpp"
#include "crypto/random.hpp"
#include "protect/rate_limiter.hpp"

namespace gatehouse {
namespace {

using std::chrono::seconds;

const char* Env(const char* name) { return std::getenv(name); }

CacheConfig RemoteConfig() {
  CacheConfig config = DefaultConfig().cache;
  config.key_prefix = "test:" + RandomToken(6) + ":";  // runs never see each other's keys
  config.pool_size = 4;
  config.connect_timeout_ms = 500;
  config.command_timeout_ms = 500;
  return config;
}

class CacheContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    InitCrypto();
    const std::string& backend = GetParam();
    if (backend == "memory") {
      cache_ = std::make_unique<MemoryCache>(clock_, 1 << 20);
      return;
    }
    const char* port = Env(backend == "redis" ? "REDIS_PORT" : "MEMCACHED_PORT");
    if (!port) {
      if (Env("TEST_REQUIRE_BACKENDS")) FAIL() << backend << " server port not set";
      GTEST_SKIP() << backend << " server not running";
    }
    CacheConfig config = RemoteConfig();
    if (backend == "redis") {
      config.redis.port = std::atoi(port);
      cache_ = std::make_unique<RedisCache>(config);
    } else {
      config.memcached.servers = std::string("127.0.0.1:") + port;
      cache_ = std::make_unique<MemcachedCache>(config);
    }
  }

  SystemClock clock_;
  std::unique_ptr<Cache> cache_;
};

TEST_P(CacheContract, SetGetReplaceRemove) {
  ASSERT_TRUE(cache_->Ping());
  EXPECT_FALSE(cache_->Get("k")->has_value());
  ASSERT_TRUE(cache_->Set("k", "one", seconds(60)).ok());
  EXPECT_EQ(cache_->Get("k")->value(), "one");
  ASSERT_TRUE(cache_->Set("k", "two", seconds(60)).ok());
  EXPECT_EQ(cache_->Get("k")->value(), "two");
  ASSERT_TRUE(cache_->Remove("k").ok());
  EXPECT_FALSE(cache_->Get("k")->has_value());
  EXPECT_TRUE(cache_->Remove("never-set").ok());
}

TEST_P(CacheContract, SetManyAndRemoveManyActOnEveryKey) {
  const Cache::Entry entries[] = {
      {"a", "1", seconds(60)}, {"b", "two", seconds(60)}, {"c", "", seconds(1)}};
  ASSERT_TRUE(cache_->SetMany(entries).ok());
  EXPECT_EQ(cache_->Get("a")->value(), "1");
  EXPECT_EQ(cache_->Get("b")->value(), "two");
  EXPECT_EQ(cache_->Get("c")->value(), "");
  const std::string_view gone[] = {"a", "c", "never-set"};
  ASSERT_TRUE(cache_->RemoveMany(gone).ok());
  EXPECT_FALSE(cache_->Get("a")->has_value());
  EXPECT_FALSE(cache_->Get("c")->has_value());
  EXPECT_EQ(cache_->Get("b")->value(), "two") << "only the keys named";
  // The connection stays in step with its replies after a batch.
  ASSERT_TRUE(cache_->Set("d", "4", seconds(60)).ok());
  EXPECT_EQ(cache_->Get("d")->value(), "4");
}

TEST_P(CacheContract, ValuesAndKeysAreKeptExactly) {
  std::string json = R"({"type":"access","sibling_id":"a b\"c","sid":"é🔐","sub":"x"})";
  std::string long_key = "user-" + std::string(300, 'k');
  ASSERT_TRUE(cache_->Set(long_key, json, seconds(60)).ok());
  EXPECT_EQ(cache_->Get(long_key)->value(), json);
  EXPECT_FALSE(cache_->Get("user-" + std::string(299, 'k'))->has_value());
  ASSERT_TRUE(cache_->Set("empty", "", seconds(60)).ok());
  EXPECT_EQ(cache_->Get("empty")->value(), "");
}

TEST_P(CacheContract, EntriesExpireAfterTheirTtl) {
  ASSERT_TRUE(cache_->Set("short", "v", seconds(1)).ok());
  ASSERT_TRUE(cache_->Set("long", "v", seconds(60)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  EXPECT_FALSE(cache_->Get("short")->has_value());
  EXPECT_TRUE(cache_->Get("long")->has_value());
}

TEST_P(CacheContract, IncrementStartsAtZeroAndKeepsTheFirstExpiry) {
  EXPECT_EQ(*cache_->Increment("n", 1, seconds(2)), 1);
  EXPECT_EQ(*cache_->Increment("n", 5, seconds(60)), 6);
  EXPECT_EQ(*cache_->Increment("n", 0, seconds(60)), 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  EXPECT_EQ(*cache_->Increment("n", 1, seconds(60)), 1) << "the window ended with the first TTL";
}

TEST_P(CacheContract, IncrementAndGetReadsTheOtherKeyInTheSameStep) {
  auto first = cache_->IncrementAndGet("window:2", 1, seconds(60), "window:1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->incremented, 1);
  EXPECT_FALSE(first->other.has_value()) << "missing";
  ASSERT_TRUE(cache_->Increment("window:1", 7, seconds(60)));
  auto second = cache_->IncrementAndGet("window:2", 2, seconds(60), "window:1");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->incremented, 3);
  EXPECT_EQ(second->other, "7");
  EXPECT_EQ(*cache_->Increment("window:1", 0, seconds(60)), 7) << "the other key is only read";
}

TEST_P(CacheContract, ConcurrentIncrementsLoseNothing) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) ASSERT_TRUE(cache_->Increment("c", 1, seconds(60)).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*cache_->Increment("c", 0, seconds(60)), 800);
}

TEST_P(CacheContract, ANegativeIncrementTakesBackAnEarlierOne) {
  EXPECT_EQ(*cache_->Increment("back", 3, seconds(60)), 3);
  EXPECT_EQ(*cache_->Increment("back", -1, seconds(60)), 2);
  EXPECT_EQ(*cache_->Increment("back", 1, seconds(60)), 3);
}

// The rate limiter on this backend, as 64 connections from one address would use it.
void CheckConcurrently(RateLimiter& limiter, const RatePolicy& policy, int requests,
                       std::atomic<int>& allowed) {
  std::vector<std::thread> threads;
  for (int t = 0; t < requests; ++t) {
    threads.emplace_back([&] { allowed += limiter.Check("rl", policy, "198.51.100.7").allowed; });
  }
  for (auto& t : threads) t.join();
}

TEST_P(CacheContract, RateLimiterAdmitsEveryConcurrentRequestUnderTheLimit) {
  ManualClock clock(1'800'000'000);
  RateLimiter limiter(*cache_, clock);
  std::atomic<int> allowed{0};
  CheckConcurrently(limiter, {1000, 60'000}, 64, allowed);
  EXPECT_EQ(allowed.load(), 64) << "none refused for contention";
}

TEST_P(CacheContract, RateLimiterBurstAdmitsExactlyTheLimit) {
  ManualClock clock(1'800'000'000);
  RateLimiter limiter(*cache_, clock);
  std::atomic<int> allowed{0};
  CheckConcurrently(limiter, {20, 60'000}, 64, allowed);
  EXPECT_EQ(allowed.load(), 20);
  // Refused requests were not counted: once the burst slides out, the limit is whole again.
  clock.Advance(120);
  allowed = 0;
  CheckConcurrently(limiter, {20, 60'000}, 64, allowed);
  EXPECT_EQ(allowed.load(), 20);
}

TEST_P(CacheContract, CompareAndSetReplacesOnlyWhatItExpects) {
  std::optional<std::string> missing;
  EXPECT_TRUE(*cache_->CompareAndSet("cas", missing, "1", seconds(60)));
  EXPECT_FALSE(*cache_->CompareAndSet("cas", missing, "x", seconds(60))) << "no longer missing";
  EXPECT_FALSE(*cache_->CompareAndSet("cas", std::string("0"), "x", seconds(60)));
  EXPECT_TRUE(*cache_->CompareAndSet("cas", std::string("1"), "2", seconds(60)));
  EXPECT_EQ(cache_->Get("cas")->value(), "2");
  EXPECT_FALSE(*cache_->CompareAndSet("absent", std::string("2"), "3", seconds(60)));
  EXPECT_FALSE(cache_->Get("absent")->has_value());
  ASSERT_TRUE(cache_->Set("empty", "", seconds(60)).ok());
  EXPECT_FALSE(*cache_->CompareAndSet("empty", missing, "x", seconds(60)))
      << "empty is not missing";
  EXPECT_TRUE(*cache_->CompareAndSet("empty", std::string(""), "y", seconds(60)));
  ASSERT_TRUE(*cache_->CompareAndSet("brief", missing, "v", seconds(1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  EXPECT_TRUE(*cache_->CompareAndSet("brief", missing, "w", seconds(60))) << "expired is missing";
}

// Read-modify-write through CompareAndSet, as the rate limiter does: no update is lost.
TEST_P(CacheContract, ConcurrentCompareAndSetLosesNothing) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        for (;;) {
          auto current = cache_->Get("rmw");
          ASSERT_TRUE(current.ok());
          int n = current->has_value() ? std::stoi(**current) : 0;
          auto swapped = cache_->CompareAndSet("rmw", *current, std::to_string(n + 1), seconds(60));
          ASSERT_TRUE(swapped.ok());
          if (*swapped) break;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache_->Get("rmw")->value(), "400");
}

INSTANTIATE_TEST_SUITE_P(Backends, CacheContract, ::testing::Values("memory", "redis", "memcached"),
                         [](const auto& info) { return info.param; });

// A server that is not there: every operation fails fast with kUnavailable, never hangs.
TEST(RemoteCaches, UnreachableServerIsUnavailableQuickly) {
  InitCrypto();
  CacheConfig config = RemoteConfig();
  config.redis.port = 1;
  config.memcached.servers = "127.0.0.1:1";
  std::unique_ptr<Cache> caches[] = {std::make_unique<RedisCache>(config),
                                     std::make_unique<MemcachedCache>(config)};
  for (auto& cache : caches) {
    auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(cache->Ping());
    auto get = cache->Get("k");
    ASSERT_FALSE(get.ok());
    EXPECT_EQ(get.error().code, Errc::kUnavailable);
    EXPECT_FALSE(cache->Set("k", "v", seconds(5)).ok());
    EXPECT_FALSE(cache->Increment("k", 1, seconds(5)).ok());
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  }
}

}  // namespace
}  // namespace gatehouse
