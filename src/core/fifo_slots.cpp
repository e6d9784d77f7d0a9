#include "core/fifo_slots.hpp"

namespace gatehouse {

FifoSlots::FifoSlots(std::size_t size) {
  free_.reserve(size);
  for (std::size_t i = size; i > 0; --i) free_.push_back(i - 1);
}

std::size_t FifoSlots::Acquire() {
  std::unique_lock lock(mutex_);
  if (!free_.empty()) {  // nobody waits while a slot is free: Release hands it over at once
    std::size_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  Waiter me;
  waiting_.push_back(&me);
  me.handed_over.wait(lock, [&me] { return me.slot.has_value(); });
  return *me.slot;
}

void FifoSlots::Release(std::size_t slot) {
  std::lock_guard lock(mutex_);
  if (waiting_.empty()) {
    free_.push_back(slot);
    return;
  }
  Waiter* first = waiting_.front();
  waiting_.pop_front();
  first->slot = slot;
  // Notified under the lock: once unlocked, the waiter may return and its Waiter be gone.
  first->handed_over.notify_one();
}

std::size_t FifoSlots::Waiting() {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

}  // namespace gatehouse
