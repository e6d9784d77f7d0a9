#include "protect/gcra.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

// Runs requests at the given times (ms) through one key; returns which were allowed.
std::string Allowed(const RatePolicy& policy, std::initializer_list<std::int64_t> times) {
  std::optional<std::int64_t> tat;
  std::string out;
  for (std::int64_t t : times) {
    GcraResult r = Gcra(policy, tat, t);
    if (r.allowed) tat = r.tat_ms;
    out += r.allowed ? 'y' : 'n';
  }
  return out;
}

TEST(Gcra, AllowsABurstOfTheLimitThenOnePerInterval) {
  RatePolicy three_per_3s{3, 3000};  // one per second once the burst is spent
  EXPECT_EQ(Allowed(three_per_3s, {0, 0, 0, 0}), "yyyn");
  EXPECT_EQ(Allowed(three_per_3s, {0, 0, 0, 999, 1000, 1001, 2000}), "yyynyny");
  EXPECT_EQ(Allowed(three_per_3s, {0, 1000, 2000, 3000, 4000, 5000}), "yyyyyy") << "spread out";
  EXPECT_EQ(Allowed(three_per_3s, {0, 0, 0, 3000, 3000, 3000, 3000}), "yyyyyyn") << "refilled";
}

TEST(Gcra, ReportsRemainingRetryAfterAndReset) {
  RatePolicy policy{3, 3000};
  GcraResult first = Gcra(policy, std::nullopt, 10'000);
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.remaining, 2);
  EXPECT_EQ(first.reset_ms, 1000);
  GcraResult second = Gcra(policy, first.tat_ms, 10'000);
  GcraResult third = Gcra(policy, second.tat_ms, 10'000);
  EXPECT_EQ(second.remaining, 1);
  EXPECT_EQ(third.remaining, 0);
  EXPECT_EQ(third.reset_ms, 3000);
  GcraResult refused = Gcra(policy, third.tat_ms, 10'250);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ms, 750);
  EXPECT_EQ(refused.reset_ms, 2750);
}

TEST(Gcra, AStaleStateCountsAsAFreshKey) {
  RatePolicy policy{2, 60'000};
  GcraResult r = Gcra(policy, 5, 1'000'000);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.remaining, 1);
}

}  // namespace
}  // namespace gatehouse
