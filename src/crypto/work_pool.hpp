#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gatehouse {

// A fixed set of threads with a bounded queue. TrySubmit refuses work at once when the queue
// is full, so an overload is answered (503) instead of queued without limit. Thread-safe.
class BoundedWorkPool {
 public:
  BoundedWorkPool(int threads, std::size_t queue_limit);
  ~BoundedWorkPool();  // finishes queued work, then joins
  BoundedWorkPool(const BoundedWorkPool&) = delete;
  BoundedWorkPool& operator=(const BoundedWorkPool&) = delete;

  // False when `queue_limit` jobs are already waiting; the job is then not run.
  bool TrySubmit(std::function<void()> job);

  std::size_t QueueDepth() const;

 private:
  void Run();

  const std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::size_t idle_ = 0;  // threads waiting for a job: they take one without queueing
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gatehouse
