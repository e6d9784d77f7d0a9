#include "cache/redis/redis_cache.hpp"

#include "cache/redis/redis_pipeline.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "ops/metrics.hpp"

namespace gatehouse {
namespace {

timeval ToTimeval(int ms) { return timeval{ms / 1000, suseconds_t{ms % 1000} * 1000}; }

// Atomic increment that gives a new counter its expiry and leaves an existing one's alone.
constexpr std::string_view kIncrementScript =
    "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
    "if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end "
    "return v";

// The same, and KEYS[2]'s value (false when missing, which Redis answers as nil).
constexpr std::string_view kIncrementAndGetScript =
    "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
    "if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end "
    "return {v, redis.call('GET', KEYS[2])}";

// KEYS[1]; ARGV: "1" when a value is expected (else the key must be missing), the expected
// value, the new value, the TTL in seconds.
constexpr std::string_view kCompareAndSetScript =
    "local current = redis.call('GET', KEYS[1]) "
    "if ARGV[1] == '1' then "
    "  if current ~= ARGV[2] then return 0 end "
    "elseif current then return 0 end "
    "redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4]) "
    "return 1";

}  // namespace

struct RedisCache::Connection {
  explicit Connection(redisContext* c) : context(c) {}
  ~Connection() { redisFree(context); }
  redisContext* context;
};

RedisCache::RedisCache(const CacheConfig& config)
    : config_(config), slots_(static_cast<std::size_t>(config.pool_size)) {}

RedisCache::~RedisCache() = default;

Result<RedisReply> RedisCache::Command(std::initializer_list<std::string_view> argv) {
  const Argv command(argv);
  auto replies = Pipeline(std::span(&command, 1));
  if (!replies) return replies.error();
  return std::move(replies->front());
}

Result<std::vector<RedisReply>> RedisCache::Pipeline(std::span<const Argv> commands) {
  auto replies = Send(commands);
  if (!replies) ++GlobalMetrics().cache_errors;
  return replies;
}

Result<std::vector<RedisReply>> RedisCache::Send(std::span<const Argv> commands) {
  auto lease = slots_.Borrow();
  std::unique_ptr<Connection>& connection = lease.connection();
  if (!connection) {
    redisContext* c = redisConnectWithTimeout(config_.redis.host.c_str(), config_.redis.port,
                                              ToTimeval(config_.connect_timeout_ms));
    if (!c || c->err) {
      std::string why = c ? c->errstr : "out of memory";
      redisFree(c);
      return MakeError(Errc::kUnavailable, "redis connect: " + why);
    }
    redisSetTimeout(c, ToTimeval(config_.command_timeout_ms));
    connection = std::make_unique<Connection>(c);
    auto setup = [&](const std::vector<std::string>& args) -> bool {
      std::vector<const char*> ptrs;
      std::vector<size_t> lens;
      for (const auto& a : args) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
      }
      auto* r = static_cast<redisReply*>(
          redisCommandArgv(c, static_cast<int>(args.size()), ptrs.data(), lens.data()));
      bool ok = r && r->type != REDIS_REPLY_ERROR;
      if (r) freeReplyObject(r);
      return ok;
    };
    if ((!config_.redis.password.empty() && !setup({"AUTH", config_.redis.password})) ||
        (config_.redis.db != 0 && !setup({"SELECT", std::to_string(config_.redis.db)}))) {
      connection.reset();
      return MakeError(Errc::kUnavailable, "redis AUTH or SELECT failed");
    }
  }

  redisContext* c = connection->context;
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const Argv& argv : commands) {
    ptrs.clear();
    lens.clear();
    for (std::string_view a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data()) !=
        REDIS_OK) {
      std::string why = c->errstr;
      connection.reset();
      return MakeError(Errc::kUnavailable, "redis: " + why);
    }
  }
  std::vector<RedisReply> replies(commands.size());
  std::string error;
  for (RedisReply& reply : replies) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) {
      std::string why = c->errstr;
      connection.reset();  // broken (or out of step with its replies): reconnect on next use
      return MakeError(Errc::kUnavailable, "redis: " + why);
    }
    auto* r = static_cast<redisReply*>(raw);
    reply = CopyReply(*r);
    freeReplyObject(r);
    if (reply.type == REDIS_REPLY_ERROR && error.empty()) error = reply.text;
  }
  if (!error.empty()) return MakeError(Errc::kUnavailable, "redis: " + error);
  return replies;
}

Result<std::optional<std::string>> RedisCache::Get(std::string_view key) {
  auto reply = Command({"GET", config_.key_prefix + std::string(key)});
  if (!reply) return reply.error();
  if (reply->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  return std::optional<std::string>(std::move(reply->text));
}

bool RedisCache::GetAsync(std::string_view key, GetDone done) {
  if (!pipeline_) return false;
  pipeline_->Send({"GET", config_.key_prefix + std::string(key)},
                  [done = std::move(done)](Result<RedisReply> reply) {
                    if (!reply) return done(reply.error());
                    if (reply->type == REDIS_REPLY_NIL) return done(std::optional<std::string>());
                    done(std::optional<std::string>(std::move(reply->text)));
                  });
  return true;
}

void RedisCache::AttachAsync(std::unique_ptr<RedisPipeline> pipeline) {
  pipeline_ = std::move(pipeline);
}

void RedisCache::DetachAsync() { pipeline_.reset(); }

Status RedisCache::Set(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
  auto reply = Command({"SET", config_.key_prefix + std::string(key), value, "EX",
                        std::to_string(std::max<std::int64_t>(1, ttl.count()))});
  if (!reply) return reply.error();
  return Ok{};
}

Status RedisCache::Remove(std::string_view key) {
  auto reply = Command({"DEL", config_.key_prefix + std::string(key)});
  if (!reply) return reply.error();
  return Ok{};
}

Status RedisCache::SetMany(std::span<const Entry> entries) {
  std::vector<std::string> keys, ttls;
  keys.reserve(entries.size());
  ttls.reserve(entries.size());
  std::vector<Argv> commands;
  for (const Entry& e : entries) {
    keys.push_back(config_.key_prefix + std::string(e.key));
    ttls.push_back(std::to_string(std::max<std::int64_t>(1, e.ttl.count())));
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    commands.push_back({"SET", keys[i], entries[i].value, "EX", ttls[i]});
  }
  auto replies = Pipeline(commands);
  if (!replies) return replies.error();
  return Ok{};
}

Status RedisCache::RemoveMany(std::span<const std::string_view> keys) {
  std::vector<std::string> prefixed;
  prefixed.reserve(keys.size());
  Argv command{"DEL"};
  for (std::string_view key : keys) prefixed.push_back(config_.key_prefix + std::string(key));
  for (const std::string& key : prefixed) command.push_back(key);
  auto replies = Pipeline(std::span(&command, 1));
  if (!replies) return replies.error();
  return Ok{};
}

Result<std::int64_t> RedisCache::Increment(std::string_view key, std::int64_t delta,
                                           std::chrono::seconds ttl) {
  auto reply =
      Command({"EVAL", kIncrementScript, "1", config_.key_prefix + std::string(key),
               std::to_string(delta), std::to_string(std::max<std::int64_t>(1, ttl.count()))});
  if (!reply) return reply.error();
  if (reply->type != REDIS_REPLY_INTEGER) {
    return MakeError(Errc::kInternal, "redis: increment answered a non-integer");
  }
  return reply->integer;
}

Result<Cache::IncrementedAndRead> RedisCache::IncrementAndGet(std::string_view key,
                                                              std::int64_t delta,
                                                              std::chrono::seconds ttl,
                                                              std::string_view other) {
  auto reply = Command({"EVAL", kIncrementAndGetScript, "2", config_.key_prefix + std::string(key),
                        config_.key_prefix + std::string(other), std::to_string(delta),
                        std::to_string(std::max<std::int64_t>(1, ttl.count()))});
  if (!reply) return reply.error();
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements.size() != 2 ||
      reply->elements[0].type != REDIS_REPLY_INTEGER) {
    return MakeError(Errc::kInternal, "redis: increment-and-get answered an unexpected shape");
  }
  IncrementedAndRead out;
  out.incremented = reply->elements[0].integer;
  if (reply->elements[1].type == REDIS_REPLY_STRING) out.other = reply->elements[1].text;
  return out;
}

Result<bool> RedisCache::CompareAndSet(std::string_view key,
                                       const std::optional<std::string>& expected,
                                       std::string_view value, std::chrono::seconds ttl) {
  auto reply = Command({"EVAL", kCompareAndSetScript, "1", config_.key_prefix + std::string(key),
                        expected ? "1" : "0", expected.value_or(""), value,
                        std::to_string(std::max<std::int64_t>(1, ttl.count()))});
  if (!reply) return reply.error();
  if (reply->type != REDIS_REPLY_INTEGER) {
    return MakeError(Errc::kInternal, "redis: compare-and-set answered a non-integer");
  }
  return reply->integer == 1;
}

bool RedisCache::Ping() { return Command({"PING"}).ok(); }

}  // namespace gatehouse
