#include "store/event_writer.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gatehouse
