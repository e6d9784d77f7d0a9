#include "cache/memory/memory_cache.hpp"

#include <charconv>
#include <functional>

namespace gatehouse {

MemoryCache::MemoryCache(const Clock& clock, std::size_t max_bytes)
    : clock_(clock), max_bytes_per_shard_(max_bytes / kShards) {}

MemoryCache::Shard& MemoryCache::ShardFor(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % kShards];
}

void MemoryCache::EraseLocked(Shard& shard, std::unordered_map<std::string, Entry>::iterator it) {
  shard.bytes -= it->first.size() + it->second.value.size() + kEntryOverhead;
  shard.lru.erase(it->second.lru_position);
  shard.entries.erase(it);
}

void MemoryCache::StoreLocked(Shard& shard, std::string_view key, std::string value,
                              std::int64_t expires_at) {
  if (auto it = shard.entries.find(std::string(key)); it != shard.entries.end()) {
    EraseLocked(shard, it);
  }
  shard.lru.emplace_front(key);
  shard.bytes += key.size() + value.size() + kEntryOverhead;
  shard.entries.emplace(std::string(key), Entry{std::move(value), expires_at, shard.lru.begin()});
  // Evict least recently used entries until the shard fits again.
  while (shard.bytes > max_bytes_per_shard_ && shard.lru.size() > 1) {
    EraseLocked(shard, shard.entries.find(shard.lru.back()));
  }
}

Result<std::optional<std::string>> MemoryCache::Get(std::string_view key) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(std::string(key));
  if (it == shard.entries.end()) return std::optional<std::string>();
  if (it->second.expires_at <= clock_.NowSeconds()) {
    EraseLocked(shard, it);
    return std::optional<std::string>();
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second.lru_position);
  return std::optional<std::string>(it->second.value);
}

Status MemoryCache::Set(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  StoreLocked(shard, key, std::string(value), clock_.NowSeconds() + ttl.count());
  return Ok{};
}

Status MemoryCache::Remove(std::string_view key) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  if (auto it = shard.entries.find(std::string(key)); it != shard.entries.end()) {
    EraseLocked(shard, it);
  }
  return Ok{};
}

Result<std::int64_t> MemoryCache::Increment(std::string_view key, std::int64_t delta,
                                            std::chrono::seconds ttl) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  std::int64_t now = clock_.NowSeconds();
  std::int64_t current = 0;
  std::int64_t expires_at = now + ttl.count();
  if (auto it = shard.entries.find(std::string(key));
      it != shard.entries.end() && it->second.expires_at > now) {
    const std::string& v = it->second.value;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), current);
    if (ec != std::errc() || end != v.data() + v.size()) {
      return MakeError(Errc::kInternal, "cache value is not a counter");
    }
    expires_at = it->second.expires_at;
  }
  current += delta;
  StoreLocked(shard, key, std::to_string(current), expires_at);
  return current;
}

Result<bool> MemoryCache::CompareAndSet(std::string_view key,
                                        const std::optional<std::string>& expected,
                                        std::string_view value, std::chrono::seconds ttl) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  std::int64_t now = clock_.NowSeconds();
  auto it = shard.entries.find(std::string(key));
  bool present = it != shard.entries.end() && it->second.expires_at > now;
  if (present != expected.has_value() || (present && it->second.value != *expected)) return false;
  StoreLocked(shard, key, std::string(value), now + std::max<std::int64_t>(1, ttl.count()));
  return true;
}

std::size_t MemoryCache::BytesUsed() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.bytes;
  }
  return total;
}

}  // namespace gatehouse
