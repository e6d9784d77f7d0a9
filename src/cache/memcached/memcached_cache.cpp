#include "cache/memcached/memcached_cache.hpp"

#include <libmemcached/memcached.h>

#include <ctime>
#include <stdexcept>

#include "crypto/random.hpp"
#include "ops/metrics.hpp"

namespace gatehouse {
namespace {

// Memcached reads an expiration over 30 days as an absolute Unix time.
constexpr std::int64_t kMaxRelativeExpiration = std::int64_t{30} * 24 * 60 * 60;

time_t Expiration(std::chrono::seconds ttl) {
  std::int64_t seconds = std::max<std::int64_t>(1, ttl.count());
  if (seconds > kMaxRelativeExpiration) seconds += std::time(nullptr);
  return static_cast<time_t>(seconds);
}

Error Unavailable(memcached_st* memc, memcached_return_t rc) {
  ++GlobalMetrics().cache_errors;
  return MakeError(Errc::kUnavailable, std::string("memcached: ") + memcached_strerror(memc, rc));
}

}  // namespace

struct MemcachedCache::Client {
  explicit Client(memcached_st* m) : memc(m) {}
  ~Client() { memcached_free(memc); }
  memcached_st* memc;
};

MemcachedCache::MemcachedCache(const CacheConfig& config)
    : config_(config), slots_(static_cast<std::size_t>(config.pool_size)) {
  memcached_server_st* servers = memcached_servers_parse(config.memcached.servers.c_str());
  if (!servers) throw std::runtime_error("cache.memcached.servers: expected host:port[,host:port]");
  memcached_server_list_free(servers);
}

MemcachedCache::~MemcachedCache() = default;

ConnectionSlots<MemcachedCache::Client>::Lease MemcachedCache::Borrow() {
  auto lease = slots_.Borrow();
  if (!lease.connection()) {
    memcached_st* memc = memcached_create(nullptr);
    memcached_server_st* servers = memcached_servers_parse(config_.memcached.servers.c_str());
    memcached_server_push(memc, servers);
    memcached_server_list_free(servers);
    memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
    memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_DISTRIBUTION,
                           MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
    memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT,
                           static_cast<uint64_t>(config_.connect_timeout_ms));
    memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT,
                           static_cast<uint64_t>(config_.command_timeout_ms));
    memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
    memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
    memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);
    lease.connection() = std::make_unique<Client>(memc);
  }
  return lease;
}

std::string MemcachedCache::KeyFor(std::string_view key) const {
  // Memcached keys are at most 250 bytes; longer ones are replaced by their hash.
  std::string full = config_.key_prefix + std::string(key);
  if (full.size() <= 200) return full;
  return config_.key_prefix + "sha256:" + Sha256Hex(key);
}

Result<std::optional<std::string>> MemcachedCache::Get(std::string_view key) {
  std::string k = KeyFor(key);
  auto lease = Borrow();
  memcached_st* memc = lease.connection()->memc;
  size_t length = 0;
  uint32_t flags = 0;
  memcached_return_t rc;
  char* value = memcached_get(memc, k.data(), k.size(), &length, &flags, &rc);
  if (value) {
    std::string out(value, length);
    free(value);
    return std::optional<std::string>(std::move(out));
  }
  if (rc == MEMCACHED_SUCCESS) return std::optional<std::string>("");  // an empty value
  if (rc == MEMCACHED_NOTFOUND) return std::optional<std::string>();
  return Unavailable(memc, rc);
}

Status MemcachedCache::Set(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
  std::string k = KeyFor(key);
  auto lease = Borrow();
  memcached_st* memc = lease.connection()->memc;
  memcached_return_t rc =
      memcached_set(memc, k.data(), k.size(), value.data(), value.size(), Expiration(ttl), 0);
  if (rc != MEMCACHED_SUCCESS) return Unavailable(memc, rc);
  return Ok{};
}

Status MemcachedCache::Remove(std::string_view key) {
  std::string k = KeyFor(key);
  auto lease = Borrow();
  memcached_st* memc = lease.connection()->memc;
  memcached_return_t rc = memcached_delete(memc, k.data(), k.size(), 0);
  if (rc != MEMCACHED_SUCCESS && rc != MEMCACHED_NOTFOUND) return Unavailable(memc, rc);
  return Ok{};
}

Result<std::int64_t> MemcachedCache::Increment(std::string_view key, std::int64_t delta,
                                               std::chrono::seconds ttl) {
  std::string k = KeyFor(key);
  auto lease = Borrow();
  memcached_st* memc = lease.connection()->memc;
  uint64_t value = 0;
  memcached_return_t rc = MEMCACHED_NOTSTORED;
  if (delta < 0) {
    // decr of a missing key (expired meanwhile) is NOT_FOUND: nothing is left to take back.
    rc = memcached_decrement(memc, k.data(), k.size(), static_cast<uint64_t>(-delta), &value);
    if (rc == MEMCACHED_NOTFOUND) return std::int64_t{0};
    if (rc != MEMCACHED_SUCCESS) return Unavailable(memc, rc);
    return static_cast<std::int64_t>(value);
  }
  // When the key is missing the server adds it with the initial value; if another client added
  // it first, that add answers NOT_STORED — the key exists now, so incrementing again succeeds.
  for (int attempt = 0; attempt < 3 && rc == MEMCACHED_NOTSTORED; ++attempt) {
    rc = memcached_increment_with_initial(memc, k.data(), k.size(), static_cast<uint64_t>(delta),
                                          static_cast<uint64_t>(delta), Expiration(ttl), &value);
  }
  if (rc != MEMCACHED_SUCCESS) return Unavailable(memc, rc);
  return static_cast<std::int64_t>(value);
}

Result<bool> MemcachedCache::CompareAndSet(std::string_view key,
                                           const std::optional<std::string>& expected,
                                           std::string_view value, std::chrono::seconds ttl) {
  std::string k = KeyFor(key);
  auto lease = Borrow();
  memcached_st* memc = lease.connection()->memc;
  memcached_return_t rc;
  if (!expected) {
    rc = memcached_add(memc, k.data(), k.size(), value.data(), value.size(), Expiration(ttl), 0);
  } else {
    // Memcached compares versions, not values: read the version of the value we expect.
    const char* keys[] = {k.data()};
    const std::size_t lengths[] = {k.size()};
    rc = memcached_mget(memc, keys, lengths, 1);
    if (rc != MEMCACHED_SUCCESS) return Unavailable(memc, rc);
    memcached_result_st* result = memcached_fetch_result(memc, nullptr, &rc);
    if (!result) {
      if (rc == MEMCACHED_NOTFOUND || rc == MEMCACHED_END) return false;
      return Unavailable(memc, rc);
    }
    std::string_view current(memcached_result_value(result), memcached_result_length(result));
    bool same = current == *expected;
    std::uint64_t version = memcached_result_cas(result);
    memcached_result_free(result);
    // Drain the end of the multi-get before the next command on this connection.
    while (memcached_fetch_result(memc, nullptr, &rc) != nullptr) {
    }
    if (!same) return false;
    rc = memcached_cas(memc, k.data(), k.size(), value.data(), value.size(), Expiration(ttl), 0,
                       version);
  }
  if (rc == MEMCACHED_SUCCESS) return true;
  if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS || rc == MEMCACHED_NOTFOUND) {
    return false;
  }
  return Unavailable(memc, rc);
}

bool MemcachedCache::Ping() {
  // A read of a key that need not exist: an answer either way means the servers are up.
  return Get("ping").ok();
}

}  // namespace gatehouse
