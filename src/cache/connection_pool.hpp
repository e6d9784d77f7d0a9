#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace gatehouse {

// A fixed number of connection slots for a client library whose connections are not
// thread-safe (hiredis, libmemcached). A slot holds a live connection or nothing; a
// connection that failed is dropped by its user and made anew on the next lease, so a
// restarted server is reconnected to without restarting Gatehouse. Thread-safe.
template <typename Connection>
class ConnectionSlots {
 public:
  explicit ConnectionSlots(std::size_t size) : slots_(size) {
    for (std::size_t i = 0; i < size; ++i) free_.push_back(i);
  }

  // A borrowed slot, returned on destruction.
  class Lease {
   public:
    Lease(ConnectionSlots& owner, std::size_t index) : owner_(&owner), index_(index) {}
    ~Lease() {
      if (owner_) owner_->GiveBack(index_);
    }
    Lease(Lease&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), index_(other.index_) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    std::unique_ptr<Connection>& connection() { return owner_->slots_[index_]; }

   private:
    ConnectionSlots* owner_;
    std::size_t index_;
  };

  Lease Borrow() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !free_.empty(); });
    std::size_t index = free_.back();
    free_.pop_back();
    return Lease(*this, index);
  }

 private:
  void GiveBack(std::size_t index) {
    {
      std::lock_guard lock(mutex_);
      free_.push_back(index);
    }
    available_.notify_one();
  }

  std::vector<std::unique_ptr<Connection>> slots_;
  std::vector<std::size_t> free_;
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace gatehouse
