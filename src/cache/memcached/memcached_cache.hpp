#pragma once

#include "cache/cache.hpp"
#include "cache/connection_pool.hpp"
#include "config/config.hpp"

namespace gatehouse {

// The Cache on Memcached (libmemcached, binary protocol, one or more servers with consistent
// hashing, a pool of clients, connect and poll timeouts, a key prefix). Increment uses the
// binary protocol's increment-with-initial, so a new counter is created atomically with its
// expiry. A dead server is retried after a second. Every failure is kUnavailable.
// Thread-safe.
class MemcachedCache final : public Cache {
 public:
  // Throws std::runtime_error when `config.memcached.servers` cannot be parsed.
  explicit MemcachedCache(const CacheConfig& config);
  ~MemcachedCache() override;

  Result<std::optional<std::string>> Get(std::string_view key) override;
  Status Set(std::string_view key, std::string_view value, std::chrono::seconds ttl) override;
  Status Remove(std::string_view key) override;
  Result<std::int64_t> Increment(std::string_view key, std::int64_t delta,
                                 std::chrono::seconds ttl) override;
  Result<bool> CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                             std::string_view value, std::chrono::seconds ttl) override;
  bool Ping() override;

  struct Client;  // a memcached_st (memcached_cache.cpp)

 private:
  std::string KeyFor(std::string_view key) const;
  ConnectionSlots<Client>::Lease Borrow();

  CacheConfig config_;
  ConnectionSlots<Client> slots_;
};

}  // namespace gatehouse
