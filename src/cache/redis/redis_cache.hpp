#pragma once

#include <memory>
#include <vector>

#include "cache/cache.hpp"
#include "cache/connection_pool.hpp"
#include "cache/redis/redis_reply.hpp"
#include "config/config.hpp"

namespace gatehouse {

class RedisPipeline;

// The Cache on Redis (hiredis, synchronous, a pool of connections with connect and command
// timeouts, AUTH, SELECT and a key prefix). A broken connection is dropped and made anew on
// next use. Every failure is kUnavailable. Thread-safe.
class RedisCache final : public Cache {
 public:
  explicit RedisCache(const CacheConfig& config);
  ~RedisCache() override;

  Result<std::optional<std::string>> Get(std::string_view key) override;
  // Through the pipelined connection while one is attached; declines otherwise.
  bool GetAsync(std::string_view key, GetDone done) override;
  Status Set(std::string_view key, std::string_view value, std::chrono::seconds ttl) override;
  Status Remove(std::string_view key) override;
  Status SetMany(std::span<const Entry> entries) override;             // pipelined
  Status RemoveMany(std::span<const std::string_view> keys) override;  // one DEL
  Result<std::int64_t> Increment(std::string_view key, std::int64_t delta,
                                 std::chrono::seconds ttl) override;
  Result<IncrementedAndRead> IncrementAndGet(std::string_view key, std::int64_t delta,
                                             std::chrono::seconds ttl,
                                             std::string_view other) override;  // one script
  Result<bool> CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                             std::string_view value, std::chrono::seconds ttl) override;
  bool Ping() override;

  // Answers GetAsync through `pipeline` (on the HTTP server's I/O threads). Attach before the
  // server runs; detach after it stopped and before its context is destroyed.
  void AttachAsync(std::unique_ptr<RedisPipeline> pipeline);
  void DetachAsync();

  struct Connection;  // a hiredis context (redis_cache.cpp)

 private:
  using Argv = std::vector<std::string_view>;  // one command, binary-safe
  // Runs one command on a pooled connection.
  Result<RedisReply> Command(std::initializer_list<std::string_view> argv);
  // Runs the commands pipelined (written at once, then their replies read); counts failures.
  // An error reply to any of them is an error.
  Result<std::vector<RedisReply>> Pipeline(std::span<const Argv> commands);
  Result<std::vector<RedisReply>> Send(std::span<const Argv> commands);

  CacheConfig config_;
  ConnectionSlots<Connection> slots_;
  std::unique_ptr<RedisPipeline> pipeline_;  // set and reset only while no request runs
};

}  // namespace gatehouse
