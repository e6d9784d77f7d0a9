#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;
class Database;

// What runs in a batch's transaction after its events are appended.
using EventBatchListener = std::function<void(Connection&, const std::vector<EventRecord>&)>;

// Writes security log events on a thread of its own, many in one transaction: a sign-in's
// event costs the sign-in no insert, index update or WAL frames of its own (in one
// transaction with it they took a quarter of a passkey sign-in's rate on SQLite). An event is
// stored within kGathering (at once for a Flush); one still queued when the process is killed
// (not stopped) is lost, though its log line was written. Thread-safe.
class EventWriter {
 public:
  explicit EventWriter(Database& db);
  // Writes what is queued, then stops.
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Queues `event`; waits while kMaxQueued are queued (the database is that far behind).
  void Enqueue(EventRecord event);
  // Has `listener` store, in each batch's transaction, what must be stored exactly when the
  // events are (webhook deliveries): a failing listener fails the batch. Call before serving.
  void OnBatch(EventBatchListener listener);
  // Returns once every event queued before the call has been written (or given up on after
  // the database failed it kAttempts times, which is logged): a listing then sees them.
  void Flush();

  static constexpr std::size_t kMaxQueued = 10000;
  static constexpr int kAttempts = 3;
  // A batch is written when this many are queued, this long after the first, or at a Flush.
  static constexpr std::size_t kBatch = 500;
  static constexpr std::chrono::milliseconds kGathering{50};

 private:
  void Loop();
  // Writes `batch` in one transaction, trying again after a pause when the database fails.
  void Write(const std::vector<EventRecord>& batch, const EventBatchListener& listener);

  Database& db_;
  std::mutex mutex_;
  std::condition_variable wake_;     // something queued, or stopping
  std::condition_variable settled_;  // a batch done, or room in the queue
  std::vector<EventRecord> queue_;   // guarded by mutex_
  std::uint64_t queued_ = 0;         // events ever queued; guarded by mutex_
  std::uint64_t settled_count_ = 0;  // of those, written or given up on; guarded by mutex_
  int flushing_ = 0;                 // Flush calls waiting; guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
  EventBatchListener listener_;      // guarded by mutex_
  std::thread thread_;
};

}  // namespace gatehouse
