#pragma once

#include <cstdint>

namespace gatehouse {

// At most `limit` requests per `period_ms`; limit 0 means no limit.
struct RatePolicy {
  std::int64_t limit = 0;
  std::int64_t period_ms = 0;

  bool enabled() const { return limit > 0 && period_ms > 0; }
};

}  // namespace gatehouse
