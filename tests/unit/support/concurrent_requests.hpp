#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace gatehouse {

struct ConcurrentOutcome {
  int right = 0;
  int wrong = 0;
};

// Starts `threads` × `each` requests from `threads` threads at once: send(n, answered) starts
// request n (0 … threads × each − 1) and has answered(true) called when its answer is the one
// request n must get, answered(false) otherwise. Waits up to `patience` for every answer, so
// a client that mixes up or loses replies shows in the counts instead of hanging the test.
inline ConcurrentOutcome SendConcurrently(
    int threads, int each, std::chrono::milliseconds patience,
    const std::function<void(int n, std::function<void(bool)> answered)>& send) {
  std::atomic<int> right{0}, wrong{0}, done{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < threads; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < each; ++i) {
        send(t * each + i, [&right, &wrong, &done](bool ok) {
          (ok ? right : wrong)++;
          done++;
        });
      }
    });
  }
  for (auto& s : senders) s.join();
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (done < threads * each && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {right.load(), wrong.load()};
}

}  // namespace gatehouse
