#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "crypto/work_pool.hpp"

namespace gatehouse {

struct PasswordCheck {
  bool matches = false;
  bool needs_rehash = false;  // stored with older parameters: store a fresh hash
};

// Argon2id password hashing (libsodium) on its own bounded thread pool, so hashing never
// runs on the I/O threads and a login flood gets 503 instead of an unbounded queue.
// Calls block the calling (worker) thread until the hash is done. Thread-safe.
class PasswordHasher {
 public:
  PasswordHasher(int threads, std::size_t queue_limit, std::uint64_t opslimit,
                 std::uint64_t memlimit_kib);

  // The encoded hash ($argon2id$...); kUnavailable when the pool is saturated.
  Result<std::string> Hash(const std::string& password);

  // Verifies `password` against `encoded`. A malformed `encoded` simply does not match.
  Result<PasswordCheck> Verify(const std::string& password, const std::string& encoded);

  // Spends the same time as a Verify of a real account, for unknown e-mail addresses, so
  // response time does not reveal whether an account exists.
  Status VerifyAgainstDummy(const std::string& password);

  std::size_t QueueDepth() const { return pool_.QueueDepth(); }

 private:
  template <typename T, typename F>
  Result<T> RunOnPool(F work);

  std::uint64_t opslimit_;
  std::size_t memlimit_bytes_;
  std::string dummy_hash_;
  BoundedWorkPool pool_;
};

}  // namespace gatehouse
