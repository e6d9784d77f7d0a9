#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "core/fifo_slots.hpp"

namespace gatehouse {

// A fixed number of connection slots for a client library whose connections are not
// thread-safe (hiredis, libmemcached). A slot holds a live connection or nothing; a
// connection that failed is dropped by its user and made anew on the next lease, so a
// restarted server is reconnected to without restarting Gatehouse. Slots are handed out
// first come, first served (FifoSlots). Thread-safe.
template <typename Connection>
class ConnectionSlots {
 public:
  explicit ConnectionSlots(std::size_t size) : slots_(size), order_(size) {}

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

  Lease Borrow() { return Lease(*this, order_.Acquire()); }

 private:
  void GiveBack(std::size_t index) { order_.Release(index); }

  std::vector<std::unique_ptr<Connection>> slots_;
  FifoSlots order_;
};

}  // namespace gatehouse
