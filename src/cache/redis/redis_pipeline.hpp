#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis/redis_reply.hpp"
#include "config/config.hpp"
#include "core/result.hpp"

struct redisReader;

namespace gatehouse {

// One Redis connection used asynchronously on an asio executor (the HTTP server's I/O
// threads): Send queues a command and returns at once, and its callback gets the reply.
// Commands sent while a write is in flight go out together in the next write and their
// replies come back in one read, so concurrent requests share system calls and Redis's
// wake-ups instead of paying one round trip each. It connects on first use (AUTH and SELECT
// first) and again after a failure; a failure — refused connection, broken socket, a reply
// later than command_timeout_ms, an error reply — fails the commands then in flight with
// kUnavailable, and the next command reconnects. Callbacks run on the connection's strand and
// must not block. Thread-safe; destroy it only after its executor's context has stopped.
class RedisPipeline {
 public:
  using Done = std::function<void(Result<RedisReply>)>;

  RedisPipeline(boost::asio::any_io_executor executor, const CacheConfig& config);
  ~RedisPipeline();
  RedisPipeline(const RedisPipeline&) = delete;
  RedisPipeline& operator=(const RedisPipeline&) = delete;

  // `argv` is one command (binary-safe), e.g. {"GET", key}; the key prefix is the caller's.
  void Send(std::vector<std::string> argv, Done done);

 private:
  using Clock = std::chrono::steady_clock;
  struct Waiting {
    Done done;  // empty for the connection's own AUTH and SELECT
    Clock::time_point deadline;
  };

  void Connect();
  void OnConnected(const boost::system::error_code& ec);
  void Queue(const std::vector<std::string_view>& argv, Done done);
  void Write();
  void Read();
  void ArmTimer();
  void Fail(const std::string& why);  // fails everything in flight; the next Send reconnects

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  const CacheConfig config_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  enum class State { kClosed, kConnecting, kOpen } state_ = State::kClosed;
  unsigned generation_ = 0;  // bumped by Fail: handlers of an older connection do nothing
  bool healthy_ = true;      // false from a failure until a reply: one warning per outage
  std::string queued_;       // commands not yet written
  std::string writing_;      // the write in flight
  bool write_in_flight_ = false;
  std::deque<Waiting> waiting_;  // in the order their commands were queued
  std::unique_ptr<redisReader, void (*)(redisReader*)> reader_;
  std::array<char, 16384> read_buffer_{};
};

}  // namespace gatehouse
