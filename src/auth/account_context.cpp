#include "auth/account_context.hpp"

#include "auth/validation.hpp"

namespace gatehouse {

Result<std::string> RequireEmail(std::string_view raw) {
  auto email = NormalizeEmail(raw);
  if (!email) {
    return MakeError(Errc::kValidationFailed, "bad e-mail", "'email' is not a valid address.");
  }
  return *email;
}

Status CountMessagesTo(Cache& cache, std::string_view kind, const std::string& recipient,
                       int per_hour, const char* detail) {
  constexpr int kHour = 3600;
  auto count = cache.Increment(std::string(kind) + ":" + recipient, 1, std::chrono::seconds(kHour));
  if (count && *count > per_hour) {
    Error limited = MakeError(Errc::kRateLimited, std::string(kind) + " limit", detail);
    limited.retry_after_seconds = kHour;
    return limited;
  }
  return Ok{};
}

}  // namespace gatehouse
