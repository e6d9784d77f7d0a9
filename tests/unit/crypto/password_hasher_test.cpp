#include "crypto/password_hasher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "crypto/random.hpp"
#include "crypto/work_pool.hpp"

namespace gatehouse {
namespace {

class PasswordHasherTest : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }
};

TEST_F(PasswordHasherTest, HashVerifiesOnlyTheSamePassword) {
  PasswordHasher hasher(1, 4, 1, 8 * 1024);
  auto hash = hasher.Hash("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(hasher.Verify("correct horse", *hash)->matches);
  EXPECT_FALSE(hasher.Verify("correct horsf", *hash)->matches);
  EXPECT_FALSE(hasher.Verify("", *hash)->matches);
  EXPECT_FALSE(hasher.Verify("correct horse", "not a hash")->matches);
  EXPECT_NE(*hasher.Hash("correct horse"), *hash) << "salted";
}

TEST_F(PasswordHasherTest, OlderParametersAskForARehash) {
  PasswordHasher weak(1, 4, 1, 8 * 1024);
  PasswordHasher strong(1, 4, 2, 16 * 1024);
  std::string old_hash = *weak.Hash("pw");
  auto check = strong.Verify("pw", old_hash);
  EXPECT_TRUE(check->matches);
  EXPECT_TRUE(check->needs_rehash);
  EXPECT_FALSE(strong.Verify("pw", *strong.Hash("pw"))->needs_rehash);
}

TEST_F(PasswordHasherTest, ASaturatedPoolAnswersUnavailableAtOnce) {
  PasswordHasher hasher(1, 1, 3, 64 * 1024);
  std::atomic<int> unavailable{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = hasher.Hash("pw");
      if (!r && r.error().code == Errc::kUnavailable) {
        EXPECT_GT(r.error().retry_after_seconds, 0);
        ++unavailable;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(unavailable.load(), 5) << "one running + one queued, the rest refused";
}

TEST(BoundedWorkPool, RefusesWorkBeyondTheQueueLimit) {
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  {
    BoundedWorkPool pool(1, 2);
    auto blocker = [&] {
      while (!release) std::this_thread::yield();
      ++ran;
    };
    ASSERT_TRUE(pool.TrySubmit(blocker));
    while (pool.QueueDepth() != 0) std::this_thread::yield();  // the thread took it
    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_EQ(pool.QueueDepth(), 2u);
    release = true;
  }
  EXPECT_EQ(ran.load(), 3);
}

}  // namespace
}  // namespace gatehouse
