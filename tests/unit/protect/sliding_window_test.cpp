#include "protect/sliding_window.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

constexpr RatePolicy kThreePerMinute{3, 60'000};

TEST(SlidingWindow, AllowsUpToTheLimitInAnEmptyWindow) {
  for (std::int64_t n = 1; n <= 3; ++n) {
    WindowVerdict v = JudgeWindow(kThreePerMinute, {n, 0, 30'000});
    EXPECT_TRUE(v.allowed);
    EXPECT_EQ(v.remaining, 3 - n);
  }
  EXPECT_FALSE(JudgeWindow(kThreePerMinute, {4, 0, 30'000}).allowed);
}

TEST(SlidingWindow, ThePreviousWindowWeighsWhatStillLiesWithinOnePeriod) {
  // 3 in the previous window; a quarter into this one, they weigh 2.25: nothing fits.
  EXPECT_FALSE(JudgeWindow(kThreePerMinute, {1, 3, 15'000}).allowed);
  // A third in, they weigh exactly 2: one fits, not two.
  EXPECT_TRUE(JudgeWindow(kThreePerMinute, {1, 3, 20'000}).allowed);
  EXPECT_FALSE(JudgeWindow(kThreePerMinute, {2, 3, 20'000}).allowed);
  // One millisecond earlier they weigh a hair over 2: no rounding lets one through.
  EXPECT_FALSE(JudgeWindow(kThreePerMinute, {1, 3, 19'999}).allowed);
}

TEST(SlidingWindow, NeverMoreThanTheLimitInAnyPeriod) {
  // Every request is sent as soon as it is allowed, one per millisecond of trying, over five
  // periods; any 60 s span then holds at most 3 allowed requests.
  std::vector<std::int64_t> allowed_at;
  std::int64_t previous = 0;
  std::int64_t current = 0;
  std::int64_t window = 0;
  for (std::int64_t t = 0; t < 300'000; t += 1) {
    if (t / 60'000 != window) {
      previous = t / 60'000 == window + 1 ? current : 0;
      current = 0;
      window = t / 60'000;
    }
    if (JudgeWindow(kThreePerMinute, {current + 1, previous, t % 60'000}).allowed) {
      ++current;
      allowed_at.push_back(t);
    }
  }
  ASSERT_GE(allowed_at.size(), 10u) << "the limit comes back as the burst slides out";
  for (std::size_t i = 3; i < allowed_at.size(); ++i) {
    EXPECT_GE(allowed_at[i] - allowed_at[i - 3], 60'000 - 1) << "at request " << i;
  }
}

TEST(SlidingWindow, RetryAfterIsWhenTheNextRequestFits) {
  // A burst of 3 at the start of a window: the next one fits 20 s into the next window.
  WindowVerdict v = JudgeWindow(kThreePerMinute, {4, 0, 0});
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after_ms, 80'000);
  EXPECT_TRUE(JudgeWindow(kThreePerMinute, {1, 3, 20'000}).allowed) << "and it does";
  // Later in the same window, once the previous one weighs little enough.
  WindowVerdict later = JudgeWindow(kThreePerMinute, {1, 3, 10'000});
  EXPECT_FALSE(later.allowed);
  EXPECT_EQ(later.retry_after_ms, 10'000);
  // A limit of one: the request must slide out entirely, at the end of the next window.
  WindowVerdict one = JudgeWindow({1, 60'000}, {2, 0, 45'000});
  EXPECT_EQ(one.retry_after_ms, 15'000 + 60'000);
}

TEST(SlidingWindow, ResetIsWhenTheWholeLimitIsBack) {
  EXPECT_EQ(JudgeWindow(kThreePerMinute, {1, 0, 45'000}).reset_ms, 15'000 + 60'000);
  EXPECT_EQ(JudgeWindow(kThreePerMinute, {0, 2, 45'000}).reset_ms, 15'000);
  EXPECT_EQ(JudgeWindow(kThreePerMinute, {0, 0, 45'000}).reset_ms, 0);
}

}  // namespace
}  // namespace gatehouse
