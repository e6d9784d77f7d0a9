#include "store/event_writer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "store/database.hpp"
#include "store/event_store.hpp"

namespace gatehouse {

EventWriter::EventWriter(Database& db) : db_(db) {
  thread_ = std::thread([this] { Loop(); });
}

EventWriter::~EventWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EventWriter::Enqueue(EventRecord event) {
  bool wake = false;
  {
    std::unique_lock lock(mutex_);
    settled_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
    queue_.push_back(std::move(event));
    ++queued_;
    // The writer waits for a first event, then for a full batch (or the time): waking it for
    // each event between would cost a context switch each.
    wake = queue_.size() == 1 || queue_.size() == kBatch;
  }
  if (wake) wake_.notify_one();
}

void EventWriter::OnBatch(EventBatchListener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void EventWriter::Flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = queued_;
  if (settled_count_ >= target) return;
  ++flushing_;
  wake_.notify_one();
  settled_.wait(lock, [&] { return settled_count_ >= target; });
  --flushing_;
}

void EventWriter::Loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and all written
    // Let a batch gather: one commit for many events, rather than one each.
    wake_.wait_for(lock, kGathering,
                   [this] { return stopping_ || flushing_ > 0 || queue_.size() >= kBatch; });
    std::vector<EventRecord> batch;
    batch.swap(queue_);
    EventBatchListener listener = listener_;
    settled_.notify_all();  // room in the queue
    lock.unlock();
    Write(batch, listener);
    lock.lock();
    settled_count_ += batch.size();
    settled_.notify_all();
  }
}

void EventWriter::Write(const std::vector<EventRecord>& batch, const EventBatchListener& listener) {
  for (int attempt = 1;; ++attempt) {
    auto written = db_.Transaction<Ok>([&](Connection& sql) -> Status {
      for (const EventRecord& event : batch) event_store::Append(sql, event);
      if (listener) listener(sql, batch);
      return Ok{};
    });
    if (written) return;
    if (attempt == kAttempts) {
      spdlog::error("{} security log event(s) not stored: {} (their log lines were written)",
                    batch.size(), written.error().reason);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  }
}

}  // namespace gatehouse
