#include "auth/whitelist_entry.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gatehouse {
namespace {

TEST(WhitelistEntry, IsTheJsonObjectTheContractNames) {
  std::string entry = WhitelistEntry("access", "sid-1", "user-1", "jti-2");
  EXPECT_EQ(entry, R"({"type":"access","sid":"sid-1","sub":"user-1","sibling_id":"jti-2"})");
  auto parsed = nlohmann::json::parse(entry);
  EXPECT_EQ(parsed.at("sibling_id"), "jti-2");
}

TEST(WhitelistEntry, MatchesOnlyTheSameTypeSessionAndUser) {
  std::string entry = WhitelistEntry("access", "sid-1", "user-1", "jti-2");
  EXPECT_TRUE(WhitelistEntryMatches(entry, "access", "sid-1", "user-1"));
  EXPECT_FALSE(WhitelistEntryMatches(entry, "refresh", "sid-1", "user-1"));
  EXPECT_FALSE(WhitelistEntryMatches(entry, "access", "sid-2", "user-1"));
  EXPECT_FALSE(WhitelistEntryMatches(entry, "access", "sid-1", "user-2"));
  EXPECT_FALSE(WhitelistEntryMatches(entry, "access", "sid-", "user-1")) << "a prefix of the id";
  EXPECT_FALSE(WhitelistEntryMatches(entry, "access", "sid-1\",\"x", "user-1"));
}

TEST(WhitelistEntry, AnyOtherShapeIsNoMatch) {
  for (const char* other : {
           R"({"sibling_id":"jti-2","sid":"sid-1","sub":"user-1","type":"access"})",
           R"({"type":"access","sid":"sid-1","sub":"user-1","sibling_id":"jti-2","x":1})",
           R"({"type":"access","sid":"sid-1","sub":"user-1","sibling_id":"jti-2"} )",
           R"({"type":"access","sid":"sid-1","sub":"user-1","sibling_id":1})",
           R"({"type":"access","sid":"sid-1","sub":"user-1"})",
           "",
           "{",
       }) {
    EXPECT_FALSE(WhitelistEntryMatches(other, "access", "sid-1", "user-1")) << other;
  }
}

TEST(WhitelistEntry, ValuesThatNeedEscapingAreEscapedAndNeverMatch) {
  std::string entry = WhitelistEntry("access", "a\"b", "u\\", "j");
  EXPECT_EQ(nlohmann::json::parse(entry).at("sid"), "a\"b");
  EXPECT_FALSE(WhitelistEntryMatches(entry, "access", "a\"b", "u\\"));
}

}  // namespace
}  // namespace gatehouse
