#include "store/event_writer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "crypto/random.hpp"
#include "store/connection.hpp"
#include "store/event_store.hpp"
#include "support/storage_fixture.hpp"

namespace gatehouse {
namespace {

class EventWriterTest : public StorageFixture {
 protected:
  static EventRecord Event(const std::string& user) {
    EventRecord e;
    e.created_at = kStart * 1000;
    e.id = TimeOrderedIdAt(e.created_at);
    e.type = "sign_in.succeeded";
    e.user_id = user;
    return e;
  }
  long long Stored() {
    long long count = 0;
    EXPECT_TRUE(db_->Run<Ok>([&](Connection& sql) -> Status {
      sql << "SELECT COUNT(*) FROM events", soci::into(count);
      return Ok{};
    }));
    return count;
  }
};

TEST_F(EventWriterTest, FlushReturnsOnceEverythingQueuedBeforeIsStored) {
  EventWriter writer(*db_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&writer, t] {
      for (int i = 0; i < 250; ++i) writer.Enqueue(Event("user-" + std::to_string(t)));
    });
  }
  for (std::thread& thread : threads) thread.join();
  writer.Flush();
  EXPECT_EQ(Stored(), 1000);
}

TEST_F(EventWriterTest, StoresWhatIsQueuedBeforeItStops) {
  {
    EventWriter writer(*db_);
    for (int i = 0; i < 300; ++i) writer.Enqueue(Event("user"));
  }
  EXPECT_EQ(Stored(), 300);
}

TEST_F(EventWriterTest, FlushWithNothingQueuedReturns) {
  EventWriter writer(*db_);
  writer.Flush();
  EXPECT_EQ(Stored(), 0);
}

TEST_F(EventWriterTest, TheBatchListenerRunsInTheTransactionThatStoresTheEvents) {
  EventWriter writer(*db_);
  std::size_t seen = 0;
  long long stored_then = -1;
  writer.OnBatch([&](Connection& sql, const std::vector<EventRecord>& batch) {
    seen += batch.size();
    sql << "SELECT COUNT(*) FROM events", soci::into(stored_then);  // the batch's own rows
  });
  for (int i = 0; i < 3; ++i) writer.Enqueue(Event("user"));
  writer.Flush();
  EXPECT_EQ(seen, 3u);
  EXPECT_EQ(stored_then, 3);
  EXPECT_EQ(Stored(), 3);
}

TEST_F(EventWriterTest, AFailingListenerFailsItsBatch) {
  EventWriter writer(*db_);
  int calls = 0;
  writer.OnBatch([&](Connection&, const std::vector<EventRecord>&) {
    ++calls;
    throw std::runtime_error("the listener's table is gone");
  });
  writer.Enqueue(Event("user"));
  writer.Flush();
  EXPECT_EQ(calls, EventWriter::kAttempts);
  EXPECT_EQ(Stored(), 0) << "events and what the listener stores, or neither";
}

}  // namespace
}  // namespace gatehouse
