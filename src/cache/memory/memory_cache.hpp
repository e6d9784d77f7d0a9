#pragma once

#include <array>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "cache/cache.hpp"
#include "core/clock.hpp"

namespace gatehouse {

// In-process cache for a single instance: expiring entries, bounded memory (least recently
// used entries are evicted first; an evicted whitelist entry only costs a database lookup).
// Sharded by key hash so threads rarely contend. Thread-safe.
class MemoryCache final : public Cache {
 public:
  MemoryCache(const Clock& clock, std::size_t max_bytes);

  Result<std::optional<std::string>> Get(std::string_view key) override;
  // In-process and never waiting: answers at once, on the calling thread.
  bool GetAsync(std::string_view key, GetDone done) override {
    done(Get(key));
    return true;
  }
  Status Set(std::string_view key, std::string_view value, std::chrono::seconds ttl) override;
  Status Remove(std::string_view key) override;
  Result<std::int64_t> Increment(std::string_view key, std::int64_t delta,
                                 std::chrono::seconds ttl) override;
  Result<bool> CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                             std::string_view value, std::chrono::seconds ttl) override;
  bool Ping() override { return true; }

  std::size_t BytesUsed() const;

 private:
  static constexpr std::size_t kShards = 16;
  // Approximate overhead of one entry beyond its key and value (nodes, pointers).
  static constexpr std::size_t kEntryOverhead = 96;

  struct Entry {
    std::string value;
    std::int64_t expires_at;
    std::list<std::string>::iterator lru_position;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
    std::list<std::string> lru;  // front = most recently used
    std::size_t bytes = 0;
  };

  Shard& ShardFor(std::string_view key);
  void EraseLocked(Shard& shard, std::unordered_map<std::string, Entry>::iterator it);
  void StoreLocked(Shard& shard, std::string_view key, std::string value, std::int64_t expires_at);

  const Clock& clock_;
  const std::size_t max_bytes_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace gatehouse
