#include "core/comma_list.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(CommaList, SplitsWhatJoinMade) {
  std::vector<std::string> items = {"pwd", "otp", "mfa"};
  EXPECT_EQ(JoinWithCommas(items), "pwd,otp,mfa");
  EXPECT_EQ(SplitCommas(JoinWithCommas(items)), items);
  EXPECT_TRUE(SplitCommas("").empty());
}

TEST(CommaList, TakesAListAsPeopleTypeIt) {
  EXPECT_EQ(SplitCommas(" https://a.example ,\thttps://b.example,, ,"),
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

}  // namespace
}  // namespace gatehouse
