#include "store/event_store.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "store/connection.hpp"
#include "support/storage_fixture.hpp"

namespace gatehouse {
namespace {

class EventStoreTest : public StorageFixture {
 protected:
  // An event of `type` for `user` at kStart + `second` seconds, from a known address.
  EventRecord Add(const std::string& user, const std::string& type, int second) {
    EventRecord e;
    e.created_at = (kStart + second) * 1000;
    e.id = TimeOrderedIdAt(e.created_at);
    e.type = type;
    e.user_id = user;
    e.session_id = user.empty() ? "" : "s-" + user;
    e.ip_address = "203.0.113.7";
    e.user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0";
    e.device = "Firefox on Linux";
    e.country = "DE";
    e.location = "Berlin, Germany";
    e.detail = R"({"email":"ada@example.com"})";
    EXPECT_TRUE(db_->Write<Ok>([&](Connection& sql) -> Status {
      event_store::Append(sql, e);
      return Ok{};
    }));
    return e;
  }

  std::vector<std::string> Types(const event_store::EventQuery& query) {
    auto events = db_->Run<std::vector<EventRecord>>(
        [&](Connection& sql) -> Result<std::vector<EventRecord>> {
          return event_store::List(sql, query);
        });
    EXPECT_TRUE(events);
    std::vector<std::string> types;
    if (events) {
      for (const EventRecord& e : *events) types.push_back(e.type);
    }
    return types;
  }
};

TEST_F(EventStoreTest, ListsNewestFirstByUserTypeAndTime) {
  Add("ada", "sign_in.succeeded", 1);
  Add("bob", "sign_in.failed", 2);
  Add("ada", "password.changed", 3);
  Add("ada", "sign_in.succeeded", 4);
  Add("", "user.created", 5);

  EXPECT_EQ(
      Types({.user_id = "ada"}),
      (std::vector<std::string>{"sign_in.succeeded", "password.changed", "sign_in.succeeded"}));
  EXPECT_EQ(Types({.type = "sign_in.succeeded"}).size(), 2u);
  EXPECT_EQ(Types({.since_millis = (kStart + 2) * 1000, .until_millis = (kStart + 4) * 1000}),
            (std::vector<std::string>{"password.changed", "sign_in.failed"}));
  EXPECT_EQ(Types({}).size(), 5u);
}

TEST_F(EventStoreTest, PagesFollowTheCursorWithoutRepeatsOrGaps) {
  for (int i = 0; i < 7; ++i) Add("ada", "e" + std::to_string(i), i);
  std::vector<std::string> seen;
  std::string before;
  for (int page = 0; page < 4; ++page) {
    auto events = db_->Run<std::vector<EventRecord>>(
        [&](Connection& sql) -> Result<std::vector<EventRecord>> {
          return event_store::List(sql, {.user_id = "ada", .before_id = before, .limit = 3});
        });
    ASSERT_TRUE(events);
    for (const EventRecord& e : *events) seen.push_back(e.type);
    if (events->empty()) break;
    before = events->back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"e6", "e5", "e4", "e3", "e2", "e1", "e0"}));
}

TEST_F(EventStoreTest, ReadsBackEveryColumnAndNoIdsAsEmpty) {
  EventRecord added = Add("ada", "sign_in.succeeded", 1);
  Add("", "user.created", 2);
  auto events =
      db_->Run<std::vector<EventRecord>>([&](Connection& sql) -> Result<std::vector<EventRecord>> {
        return event_store::List(sql, {});
      });
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_TRUE((*events)[0].user_id.empty());
  EXPECT_TRUE((*events)[0].session_id.empty());
  const EventRecord& e = (*events)[1];
  EXPECT_EQ(e.id, added.id);
  EXPECT_EQ(e.created_at, added.created_at);
  EXPECT_EQ(e.user_id, "ada");
  EXPECT_EQ(e.session_id, "s-ada");
  EXPECT_TRUE(e.actor_id.empty());
  EXPECT_EQ(e.ip_address, added.ip_address);
  EXPECT_EQ(e.user_agent, added.user_agent);
  EXPECT_EQ(e.device, added.device);
  EXPECT_EQ(e.country, "DE");
  EXPECT_EQ(e.location, added.location);
  EXPECT_EQ(e.detail, added.detail);
}

TEST_F(EventStoreTest, TheSweepDeletesOnlyWhatIsOlderThanTheCutoff) {
  Add("ada", "old", 1);
  Add("ada", "also old", 2);
  Add("ada", "kept", 3);
  auto deleted = db_->Write<long long>([&](Connection& sql) -> Result<long long> {
    return event_store::DeleteBefore(sql, (kStart + 3) * 1000);
  });
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(Types({}), std::vector<std::string>{"kept"});
}

TEST_F(EventStoreTest, ForgettingAUserKeepsTheirEventsWithoutPersonalData) {
  Add("ada", "sign_in.succeeded", 1);
  EventRecord bobs = Add("bob", "sign_in.succeeded", 2);
  ASSERT_TRUE(db_->Write<Ok>([&](Connection& sql) -> Status {
    event_store::ForgetPersonalData(sql, "ada");
    return Ok{};
  }));
  auto events =
      db_->Run<std::vector<EventRecord>>([&](Connection& sql) -> Result<std::vector<EventRecord>> {
        return event_store::List(sql, {});
      });
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  const EventRecord& ada = (*events)[1];
  EXPECT_EQ(ada.type, "sign_in.succeeded");
  EXPECT_EQ(ada.ip_address, "");
  EXPECT_EQ(ada.user_agent, "");
  EXPECT_EQ(ada.device, "");
  EXPECT_EQ(ada.country, "");
  EXPECT_EQ(ada.location, "");
  EXPECT_EQ(ada.detail, "{}");
  EXPECT_EQ((*events)[0].ip_address, bobs.ip_address);  // another user's stay
  EXPECT_EQ((*events)[0].detail, bobs.detail);
}

}  // namespace
}  // namespace gatehouse
