#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse {

// The shared key-value cache: sessions, the token whitelist and counters live here.
// Implementations: memory (one instance only), Redis, Memcached. Every operation may fail
// with kUnavailable when the backend is unreachable; callers then fall back to the database.
// Thread-safe.
class Cache {
 public:
  virtual ~Cache() = default;

  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;
  // Get without blocking the calling thread, where the backend can: true when it took the
  // request, and then calls `done` once — maybe on another thread, maybe before returning;
  // false when it cannot (the caller does a blocking Get where blocking is fine).
  using GetDone = std::function<void(Result<std::optional<std::string>>)>;
  virtual bool GetAsync(std::string_view /*key*/, GetDone /*done*/) { return false; }
  // Stores `value` for `ttl` (>= 1 s), replacing any previous value.
  virtual Status Set(std::string_view key, std::string_view value, std::chrono::seconds ttl) = 0;
  // Removes `key`; removing a missing key is not an error.
  virtual Status Remove(std::string_view key) = 0;

  // Several Sets, or several Removes, in one round trip where the backend can (Redis); the
  // others do them one by one. An error says at least one failed: on Remove, a key may stay.
  struct Entry {
    std::string_view key;
    std::string_view value;
    std::chrono::seconds ttl;
  };
  virtual Status SetMany(std::span<const Entry> entries) {
    Status all = Ok{};
    for (const Entry& e : entries) {
      if (Status set = Set(e.key, e.value, e.ttl); !set) all = set;
    }
    return all;
  }
  virtual Status RemoveMany(std::span<const std::string_view> keys) {
    for (std::string_view key : keys) {
      if (Status removed = Remove(key); !removed) return removed;
    }
    return Ok{};
  }
  // Atomically adds `delta` to the counter at `key` and returns the new value. A missing key
  // starts at 0 and gets `ttl`; an existing key keeps its expiry. A negative `delta` takes
  // back an earlier increment: callers never take a counter below zero (Memcached stops at 0).
  virtual Result<std::int64_t> Increment(std::string_view key, std::int64_t delta,
                                         std::chrono::seconds ttl) = 0;
  // Increment(key, delta, ttl), and what `other` holds then, in one round trip where the
  // backend can (Redis: one script): a sliding window's current and previous counters. An
  // unreadable `other` reads as missing.
  struct IncrementedAndRead {
    std::int64_t incremented = 0;
    std::optional<std::string> other;
  };
  virtual Result<IncrementedAndRead> IncrementAndGet(std::string_view key, std::int64_t delta,
                                                     std::chrono::seconds ttl,
                                                     std::string_view other) {
    auto incremented = Increment(key, delta, ttl);
    if (!incremented) return incremented.error();
    auto read = Get(other);
    return IncrementedAndRead{*incremented, read ? std::move(*read) : std::nullopt};
  }
  // Atomically stores `value` for `ttl` if `key` still holds `expected` (nullopt: if `key` is
  // missing). False when it holds anything else — another writer came first: read again and
  // retry. The building block of read-modify-write state shared by instances (rate limits).
  virtual Result<bool> CompareAndSet(std::string_view key,
                                     const std::optional<std::string>& expected,
                                     std::string_view value, std::chrono::seconds ttl) = 0;
  // True when the backend answers.
  virtual bool Ping() = 0;
};

}  // namespace gatehouse
