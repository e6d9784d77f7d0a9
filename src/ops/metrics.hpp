#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace gatehouse {

// Process-wide counters for GET /metrics (Prometheus text format 0.0.4). Recording is cheap
// and thread-safe; gauges that are read at scrape time are registered as callbacks.
class Metrics {
 public:
  // One HTTP request: its route pattern (never the raw path), method, status and duration.
  void RecordRequest(const std::string& route, const std::string& method, int status,
                     double seconds);

  std::atomic<std::uint64_t> logins_succeeded{0};
  std::atomic<std::uint64_t> logins_failed{0};
  std::atomic<std::uint64_t> refreshes{0};
  std::atomic<std::uint64_t> reuse_detected{0};
  std::atomic<std::uint64_t> cache_errors{0};
  std::atomic<std::uint64_t> rate_limited{0};      // requests refused by a rate limit
  std::atomic<std::uint64_t> sign_ins_delayed{0};  // attempts refused by brute-force delays
  std::atomic<std::uint64_t> database_errors{0};

  // A gauge computed when scraped (e.g. active sessions); `read` must be thread-safe.
  void AddGauge(std::string name, std::string help, std::function<double()> read);

  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Latency> latency_;
  std::vector<Gauge> gauges_;
};

// The process's metrics.
Metrics& GlobalMetrics();

}  // namespace gatehouse
