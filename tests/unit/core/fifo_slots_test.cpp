#include "core/fifo_slots.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace gatehouse {
namespace {

TEST(FifoSlots, HandsOutEverySlotOnceThenReusesReturnedOnes) {
  FifoSlots slots(3);
  std::set<std::size_t> taken{slots.Acquire(), slots.Acquire(), slots.Acquire()};
  EXPECT_EQ(taken, (std::set<std::size_t>{0, 1, 2}));
  slots.Release(1);
  EXPECT_EQ(slots.Acquire(), 1u);
}

TEST(FifoSlots, WaitersAreServedInTheOrderTheyArrived) {
  FifoSlots slots(1);
  std::size_t held = slots.Acquire();
  constexpr int kWaiters = 8;
  std::mutex order_mutex;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&, i] {
      std::size_t slot = slots.Acquire();
      {
        std::lock_guard lock(order_mutex);
        order.push_back(i);
      }
      slots.Release(slot);
    });
    // The next waiter starts only once this one is in line.
    while (slots.Waiting() != static_cast<std::size_t>(i + 1)) std::this_thread::yield();
  }
  slots.Release(held);
  for (auto& t : waiters) t.join();
  std::vector<int> expected;
  for (int i = 0; i < kWaiters; ++i) expected.push_back(i);
  EXPECT_EQ(order, expected);
  EXPECT_EQ(slots.Waiting(), 0u);
}

TEST(FifoSlots, ManyThreadsNeverShareASlot) {
  constexpr std::size_t kSlots = 3;
  FifoSlots slots(kSlots);
  std::vector<std::atomic<int>> users(kSlots);
  std::atomic<bool> shared{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::size_t slot = slots.Acquire();
        if (users[slot].fetch_add(1) != 0) shared = true;
        users[slot].fetch_sub(1);
        slots.Release(slot);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(shared);
}

}  // namespace
}  // namespace gatehouse
