#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

namespace gatehouse {
namespace {

TEST(TimeOrderedIdTest, IsTheTimeInHexThenARandomTokenAndSortsByCreation) {
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string first = TimeOrderedId();
  ASSERT_EQ(first.size(), 12u + 22u);
  EXPECT_GE(std::stoll(first.substr(0, 12), nullptr, 16), before);
  // The random part may begin with a hex digit too (one time in four): check the time alone.
  EXPECT_EQ(first.substr(0, 12).find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_TRUE(Base64UrlDecode(first.substr(12)).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::string second = TimeOrderedId();
  EXPECT_LT(first, second) << "a later id sorts after (byte order, as the indexes compare)";
  std::set<std::string> same_millisecond;
  for (int i = 0; i < 1000; ++i) same_millisecond.insert(TimeOrderedId());
  EXPECT_EQ(same_millisecond.size(), 1000u) << "the random part tells apart ids of one moment";
  EXPECT_EQ(TimeOrderedId(8).size(), 12u + 11u);
}

TEST(TimeOrderedIdTest, TheBoundOfAMomentSortsBetweenItsIdsAndThoseBefore) {
  const std::int64_t moment = 1'800'000'000'123;
  EXPECT_EQ(TimeOrderedIdBound(moment), "01a3185c507b");
  std::string bound = TimeOrderedIdBound(moment);
  EXPECT_LT(TimeOrderedIdAt(moment - 1), bound);
  EXPECT_LE(bound, TimeOrderedIdAt(moment));
  EXPECT_LT(TimeOrderedIdAt(moment), TimeOrderedIdBound(moment + 1));
  EXPECT_EQ(TimeOrderedIdAt(moment).substr(0, 12), bound);
}

TEST(RandomIdTest, NeverBeginsWithADashWhichACommandLineWouldReadAsAnOption) {
  // Of 2000 random tokens, about 31 begin with '-'.
  for (int i = 0; i < 2000; ++i) {
    std::string id = RandomId();
    ASSERT_EQ(id.size(), 22u);
    ASSERT_NE(id.front(), '-') << id;
    ASSERT_TRUE(Base64UrlDecode(id).has_value());
  }
}

}  // namespace
}  // namespace gatehouse
