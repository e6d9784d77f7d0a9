#include "auth/security_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <set>
#include <sstream>

#include "store/connection.hpp"
#include "support/storage_fixture.hpp"

namespace gatehouse {
namespace {

class SecurityLogTest : public StorageFixture {
 protected:
  void SetUp() override {
    StorageFixture::SetUp();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_);
    auto logger = std::make_shared<spdlog::logger>("security", sink);
    logger->set_pattern("%v");
    spdlog::register_logger(logger);
    log_ = std::make_unique<SecurityLog>(*db_, geo_, agents_, clock_);
  }
  void TearDown() override {
    log_.reset();
    spdlog::drop("security");
    StorageFixture::TearDown();
  }

  std::vector<EventRecord> Events(const event_store::EventQuery& query = {}) {
    auto events = log_->List(query);
    EXPECT_TRUE(events);
    return events ? *events : std::vector<EventRecord>{};
  }

  std::vector<nlohmann::json> Lines() {
    std::vector<nlohmann::json> parsed;
    std::istringstream in(lines_.str());
    for (std::string line; std::getline(in, line);) parsed.push_back(nlohmann::json::parse(line));
    return parsed;
  }

  GeoIp geo_{""};
  UserAgentParser agents_{""};
  std::ostringstream lines_;
  std::unique_ptr<SecurityLog> log_;
};

TEST_F(SecurityLogTest, RecordsTheEventAndOneJsonLine) {
  log_->Record({SecurityEventType::kSignInFailed,
                "user-1",
                "",
                "",
                {"203.0.113.9", "curl/8.0"},
                {{"method", "password"}, {"reason", "wrong_password"}}});

  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  const EventRecord& e = events[0];
  EXPECT_EQ(e.type, "sign_in.failed");
  EXPECT_EQ(e.user_id, "user-1");
  EXPECT_EQ(e.ip_address, "203.0.113.9");
  EXPECT_EQ(e.user_agent, "curl/8.0");
  EXPECT_EQ(e.device, "");  // no uap-core rules loaded: nothing known to show
  EXPECT_EQ(e.created_at, kStart * 1000);
  EXPECT_EQ(nlohmann::json::parse(e.detail)["reason"], "wrong_password");

  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["security_event"], "sign_in.failed");
  EXPECT_EQ(lines[0]["event_id"], e.id);
  EXPECT_EQ(lines[0]["user_id"], "user-1");
  EXPECT_EQ(lines[0]["session_id"], nullptr);
  EXPECT_EQ(lines[0]["detail"]["method"], "password");
}

TEST_F(SecurityLogTest, AnEventOfATransactionThatRollsBackIsNeitherKeptNorLogged) {
  auto failed = db_->Transaction<Ok>([&](Connection& sql) -> Status {
    log_->Append(sql, {SecurityEventType::kPasswordChanged, "user-1"});
    return MakeError(Errc::kConflict, "changed my mind");
  });
  EXPECT_FALSE(failed);
  EXPECT_TRUE(Events().empty());
  EXPECT_TRUE(Lines().empty());

  auto committed = db_->Transaction<Ok>([&](Connection& sql) -> Status {
    log_->Append(sql, {SecurityEventType::kPasswordChanged, "user-1"});
    EXPECT_TRUE(Lines().empty()) << "the line waits for the commit";
    return Ok{};
  });
  EXPECT_TRUE(committed);
  EXPECT_EQ(Events().size(), 1u);
  EXPECT_EQ(Lines().size(), 1u);
}

TEST_F(SecurityLogTest, EventsOfOneMillisecondKeepTheirOrder) {
  const SecurityEventType order[] = {
      SecurityEventType::kSecondFactorSucceeded, SecurityEventType::kRecoveryCodeUsed,
      SecurityEventType::kSignInSucceeded, SecurityEventType::kSignedOut};
  for (int round = 0; round < 20; ++round) {  // random suffixes would order a tie by chance
    for (SecurityEventType type : order) log_->Record({type, "user-" + std::to_string(round)});
    auto events = Events({.user_id = "user-" + std::to_string(round)});
    ASSERT_EQ(events.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(events[3 - i].type, NameOf(order[i]));
  }
}

TEST_F(SecurityLogTest, DeletesWhatIsOlderThanTheRetention) {
  log_->Record({SecurityEventType::kSignedOut, "user-1"});
  clock_.Advance(10 * 86400);
  log_->Record({SecurityEventType::kSignedOut, "user-1"});
  clock_.Advance(85 * 86400);

  auto deleted = log_->DeleteOlderThan(90);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 1);
  auto left = Events();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].created_at, (kStart + 10 * 86400) * 1000);
}

TEST(SecurityEventType, EveryTypeHasOneNameThatParsesBack) {
  std::set<std::string_view> names;
  for (SecurityEventType type : AllSecurityEventTypes()) {
    std::string_view name = NameOf(type);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(ParseSecurityEventType(name), type);
  }
  EXPECT_EQ(ParseSecurityEventType("sign_in"), std::nullopt);
  EXPECT_EQ(ParseSecurityEventType("SIGN_IN.SUCCEEDED"), std::nullopt);
}

}  // namespace
}  // namespace gatehouse
