#include "store/user_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "core/unicode.hpp"
#include "store/connection.hpp"
#include "support/storage_fixture.hpp"

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

// Listing by prefix takes two plans for the name: a rare prefix's matches from the index, a
// common one's (20,000 users or more) by walking the e-mail order. Both must give the page
// that sorting every match would.
class UserListTest : public StorageFixture {
 protected:
  // `common` users named "Mara Nnnnn" and a few others, some of whose e-mail addresses begin
  // with "mar" too; every third an administrator.
  void MakeUsers(int common) {
    ASSERT_TRUE(db_->Transaction<Ok>([&](Connection& sql) -> Status {
      auto add = [&](const std::string& email, const std::string& name, int i) {
        UserRecord u;
        u.id = "u-" + email;
        u.email = email;
        u.name = name;
        u.role = i % 3 == 0 ? "admin" : "user";
        u.created_at = u.updated_at = kStart;
        user_store::Insert(sql, u);
        everyone_.push_back(u);
      };
      char email[64];
      for (int i = 0; i < common; ++i) {
        std::snprintf(email, sizeof email, "%04x.%d@example.com", (i * 7919) % 65536, i);
        add(email, "Mara " + std::to_string(i), i);
      }
      for (int i = 0; i < 150; ++i) {
        std::snprintf(email, sizeof email, "mar%03d@example.com", i);
        add(email, "Zed " + std::to_string(i), i);
        std::snprintf(email, sizeof email, "b%03d@example.com", i);
        add(email, "Marek " + std::to_string(i), i);
      }
      return Ok{};
    }));
  }

  // The page a sort of every match gives.
  std::vector<std::string> Expected(const std::string& prefix, const std::string& role,
                                    const std::string& after, std::size_t limit) const {
    std::vector<std::string> emails;
    for (const UserRecord& u : everyone_) {
      std::string key = SearchKey(u.name);
      bool match = u.email.starts_with(prefix) || key.starts_with(prefix);
      if (match && (role.empty() || u.role == role) && u.email > after) emails.push_back(u.email);
    }
    std::sort(emails.begin(), emails.end());
    if (emails.size() > limit) emails.resize(limit);
    return emails;
  }

  std::vector<std::string> Listed(const user_store::UserFilter& filter) {
    auto users =
        db_->Run<std::vector<UserRecord>>([&](Connection& sql) -> Result<std::vector<UserRecord>> {
          return user_store::List(sql, filter);
        });
    EXPECT_TRUE(users) << (users ? "" : users.error().reason);
    std::vector<std::string> emails;
    if (users) {
      for (const UserRecord& u : *users) emails.push_back(u.email);
    }
    return emails;
  }

  void ExpectPagesAsSorted(const std::string& prefix, const std::string& role) {
    std::string after;
    for (int page = 0; page < 3 && (page == 0 || !after.empty()); ++page) {
      user_store::UserFilter filter{
          .prefix = prefix, .role = role, .after_email = after, .limit = 100};
      std::vector<std::string> listed = Listed(filter);
      ASSERT_EQ(listed, Expected(prefix, role, after, 100)) << prefix << " page " << page;
      if (page == 0) {
        ASSERT_FALSE(listed.empty()) << prefix;
      }
      after = listed.size() == 100 ? listed.back() : "";
    }
  }

  std::vector<UserRecord> everyone_;
};

TEST_F(UserListTest, ARarePrefixListsAsASortOfEveryMatch) {
  MakeUsers(400);
  ExpectPagesAsSorted("mar", "");
  ExpectPagesAsSorted("mar", "admin");
  ExpectPagesAsSorted("mare", "");
}

TEST_F(UserListTest, ACommonPrefixListsAsASortOfEveryMatch) {
  MakeUsers(20100);
  ExpectPagesAsSorted("mar", "");
  ExpectPagesAsSorted("mar", "admin");
  ExpectPagesAsSorted("ma", "user");
  ExpectPagesAsSorted("mare", "");  // rare again
}

}  // namespace
}  // namespace gatehouse
