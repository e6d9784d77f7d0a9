#pragma once

#include <memory>

#include "cache/cache.hpp"
#include "cache/connection_pool.hpp"
#include "config/config.hpp"

namespace gatehouse {

// The Cache on Redis (hiredis, synchronous, a pool of connections with connect and command
// timeouts, AUTH, SELECT and a key prefix). A broken connection is dropped and made anew on
// next use. Every failure is kUnavailable. Thread-safe.
class RedisCache final : public Cache {
 public:
  explicit RedisCache(const CacheConfig& config);
  ~RedisCache() override;

  Result<std::optional<std::string>> Get(std::string_view key) override;
  Status Set(std::string_view key, std::string_view value, std::chrono::seconds ttl) override;
  Status Remove(std::string_view key) override;
  Result<std::int64_t> Increment(std::string_view key, std::int64_t delta,
                                 std::chrono::seconds ttl) override;
  Result<bool> CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                             std::string_view value, std::chrono::seconds ttl) override;
  bool Ping() override;

  struct Connection;  // a hiredis context (redis_cache.cpp)

 private:
  struct Reply;
  // Runs one command (argv form, binary-safe) on a pooled connection.
  Result<Reply> Command(std::initializer_list<std::string_view> argv);  // counts failures
  Result<Reply> Send(std::initializer_list<std::string_view> argv);

  CacheConfig config_;
  ConnectionSlots<Connection> slots_;
};

}  // namespace gatehouse
