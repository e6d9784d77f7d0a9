#include "store/user_store.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

PgRow OwnerRow() {
  return {"u-1",        "ada@example.com", "Ada",  "$argon2id$…", "1",     "admin",
          "1800000000", "1800000100",      "totp", "0",           "jti-7", "1800003600"};
}

TEST(SessionOwnerFromRows, ReadsTheColumnsOfTheAsynchronousQuery) {
  auto owner = user_store::SessionOwnerFromRows({OwnerRow()});
  ASSERT_TRUE(owner);
  ASSERT_TRUE(owner->has_value());
  const SessionOwner& o = **owner;
  EXPECT_EQ(o.user.id, "u-1");
  EXPECT_EQ(o.user.email, "ada@example.com");
  EXPECT_EQ(o.user.name, "Ada");
  EXPECT_TRUE(o.user.email_verified);
  EXPECT_EQ(o.user.role, "admin");
  EXPECT_EQ(o.user.created_at, 1800000000);
  EXPECT_EQ(o.user.updated_at, 1800000100);
  EXPECT_EQ(o.user.second_factors, "totp");
  EXPECT_EQ(o.user.disabled_at, 0);
  EXPECT_EQ(o.access_jti, "jti-7");
  EXPECT_EQ(o.refresh_expires_at, 1800003600);
}

TEST(SessionOwnerFromRows, NoRowIsNoSession) {
  auto owner = user_store::SessionOwnerFromRows({});
  ASSERT_TRUE(owner);
  EXPECT_FALSE(owner->has_value());
}

TEST(SessionOwnerFromRows, AnUnexpectedRowIsAnErrorNotAGuess) {
  PgRow short_row = OwnerRow();
  short_row.pop_back();
  EXPECT_FALSE(user_store::SessionOwnerFromRows({short_row}));
  PgRow not_a_number = OwnerRow();
  not_a_number[6] = "yesterday";
  EXPECT_FALSE(user_store::SessionOwnerFromRows({not_a_number}));
  PgRow null_time = OwnerRow();
  null_time[11] = std::nullopt;
  EXPECT_FALSE(user_store::SessionOwnerFromRows({null_time}));
}

}  // namespace
}  // namespace gatehouse
