#include "ops/metrics.hpp"

#include <fmt/format.h>

namespace gatehouse {
namespace {

// Label values are route patterns and methods of our own router, but escape anyway.
std::string Label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
}

}  // namespace

void Metrics::RecordRequest(const std::string& route, const std::string& method, int status,
                            double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  Latency& l = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++l.buckets[i];
  }
  ++l.count;
  l.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::Render() const {
  std::string out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mutex_);
    out += "# HELP gatehouse_http_requests_total HTTP requests by route, method and status.\n";
    out += "# TYPE gatehouse_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      out += fmt::format(
          "gatehouse_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
          Label(route), Label(method), status, count);
    }
    out += "# HELP gatehouse_http_request_duration_seconds Time from request head to response.\n";
    out += "# TYPE gatehouse_http_request_duration_seconds histogram\n";
    for (const auto& [route, l] : latency_) {
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out += fmt::format(
            "gatehouse_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
            Label(route), kBuckets[i], l.buckets[i]);
      }
      out += fmt::format(
          "gatehouse_http_request_duration_seconds_bucket{{route=\"{0}\",le=\"+Inf\"}} {1}\n"
          "gatehouse_http_request_duration_seconds_sum{{route=\"{0}\"}} {2}\n"
          "gatehouse_http_request_duration_seconds_count{{route=\"{0}\"}} {1}\n",
          Label(route), l.count, l.sum);
    }
    gauges = gauges_;
  }
  out += "# HELP gatehouse_logins_total Password logins by result.\n";
  out += "# TYPE gatehouse_logins_total counter\n";
  out += fmt::format("gatehouse_logins_total{{result=\"ok\"}} {}\n", logins_succeeded.load());
  out += fmt::format("gatehouse_logins_total{{result=\"failed\"}} {}\n", logins_failed.load());
  Counter(out, "gatehouse_refreshes_total", "Successful token rotations.", refreshes.load());
  Counter(out, "gatehouse_token_reuse_detected_total",
          "Rotated tokens presented again (sessions revoked).", reuse_detected.load());
  Counter(out, "gatehouse_cache_errors_total", "Cache operations that failed.",
          cache_errors.load());
  Counter(out, "gatehouse_rate_limited_total", "Requests refused by a rate limit.",
          rate_limited.load());
  Counter(out, "gatehouse_sign_ins_delayed_total",
          "Sign-in attempts refused while an account's brute-force delay runs.",
          sign_ins_delayed.load());
  Counter(out, "gatehouse_database_errors_total", "Database operations that failed.",
          database_errors.load());
  for (const Gauge& g : gauges) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", g.name, g.help, g.read());
  }
  return out;
}

Metrics& GlobalMetrics() {
  static Metrics metrics;
  return metrics;
}

}  // namespace gatehouse
