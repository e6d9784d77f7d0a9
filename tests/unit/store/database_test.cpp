#include "store/database.hpp"

#include <gtest/gtest.h>

#include "store/connection.hpp"
#include "support/storage_fixture.hpp"

namespace gatehouse {
namespace {

// A real SQLite file per test (with the schema), and one table of its own.
class DatabaseTest : public StorageFixture {
 protected:
  void SetUp() override {
    StorageFixture::SetUp();
    ASSERT_TRUE(db_->Write<Ok>([](Connection& sql) -> Status {
      sql << "CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)";
      sql << "INSERT INTO counters VALUES (1, 10)";
      return Ok{};
    }));
  }
};

// A prepared read of counters.value; counts how often it is prepared.
struct ReadCounter {
  static inline int prepared = 0;
  int id = 1;
  int value = 0;
  soci::statement statement;
  explicit ReadCounter(Connection& sql)
      : statement((sql.prepare << "SELECT value FROM counters WHERE id = :id", soci::use(id),
                   soci::into(value))) {
    ++prepared;
  }
};

int ReadPrepared(Connection& sql) {
  auto& read = sql.Prepared<ReadCounter>();
  EXPECT_TRUE(sql.ExecuteOnce(read.statement));
  return read.value;
}

int ReadOneShot(Connection& sql) {
  int value = 0;
  sql << "SELECT value FROM counters WHERE id = 1", soci::into(value);
  return value;
}

TEST_F(DatabaseTest, PreparedStatementIsMadeOncePerConnectionAndReused) {
  ReadCounter::prepared = 0;
  for (int i = 0; i < 5; ++i) {
    auto value = db_->Run<int>([](Connection& sql) -> Result<int> { return ReadPrepared(sql); });
    ASSERT_TRUE(value);
    EXPECT_EQ(*value, 10);
  }
  EXPECT_EQ(ReadCounter::prepared, 1);  // sequential calls get the same connection back
}

TEST_F(DatabaseTest, ReadsAfterAPreparedReadSeeOtherConnectionsWrites) {
  // A prepared statement left on its row keeps SQLite's read transaction open: every later
  // read on that connection would see the database as it was (a refresh would then judge a
  // token against a session state another request had already replaced).
  auto seen = db_->Run<std::pair<int, int>>([&](Connection& sql) -> Result<std::pair<int, int>> {
    EXPECT_EQ(ReadPrepared(sql), 10);
    auto written = db_->Write<Ok>([](Connection& other) -> Status {  // another connection
      other << "UPDATE counters SET value = 11 WHERE id = 1";
      return Ok{};
    });
    EXPECT_TRUE(written);
    return std::pair{ReadOneShot(sql), ReadPrepared(sql)};
  });
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->first, 11);
  EXPECT_EQ(seen->second, 11);
}

TEST_F(DatabaseTest, AnErrorBecomesUnavailableAndDropsThePreparedStatements) {
  ReadCounter::prepared = 0;
  auto failed = db_->Run<int>([](Connection& sql) -> Result<int> {
    ReadPrepared(sql);
    sql << "SELECT no_such_column FROM counters";
    return 0;
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::kUnavailable);
  auto value = db_->Run<int>([](Connection& sql) -> Result<int> { return ReadPrepared(sql); });
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, 10);
  EXPECT_EQ(ReadCounter::prepared, 2);
}

TEST_F(DatabaseTest, ATransactionThatFailsWritesNothing) {
  auto failed = db_->Transaction<Ok>([](Connection& sql) -> Status {
    sql << "UPDATE counters SET value = 99 WHERE id = 1";
    return MakeError(Errc::kConflict, "changed my mind");
  });
  ASSERT_FALSE(failed);
  auto value = db_->Run<int>([](Connection& sql) -> Result<int> { return ReadOneShot(sql); });
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, 10);
}

}  // namespace
}  // namespace gatehouse
