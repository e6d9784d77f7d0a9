#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace gatehouse {

// Wall-clock time as Unix seconds. Every time-dependent component takes a Clock so tests
// move time instead of sleeping. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t NowSeconds() const = 0;
  // Unix time in milliseconds, for rates finer than a second.
  virtual std::int64_t NowMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowSeconds() const override;
  std::int64_t NowMillis() const override;
};

// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start) : now_(start) {}
  std::int64_t NowSeconds() const override { return now_.load(); }
  std::int64_t NowMillis() const override { return now_.load() * 1000; }
  void Advance(std::int64_t seconds) { now_ += seconds; }
  void Set(std::int64_t seconds) { now_ = seconds; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace gatehouse
