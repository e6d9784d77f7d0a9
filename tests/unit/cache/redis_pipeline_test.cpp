#include "cache/redis/redis_pipeline.hpp"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <cstdlib>
#include <future>
#include <thread>

#include "config/config.hpp"
#include "crypto/random.hpp"
#include "support/concurrent_requests.hpp"
#include "support/on_loop.hpp"

namespace gatehouse {
namespace {

namespace net = boost::asio;
using net::ip::tcp;

CacheConfig ConfigFor(int port) {
  CacheConfig config = DefaultConfig().cache;
  config.redis.port = port;
  config.connect_timeout_ms = 500;
  config.command_timeout_ms = 300;
  return config;
}

Result<RedisReply> SendAndWait(RedisPipeline& redis, std::vector<std::string> argv) {
  std::promise<Result<RedisReply>> answer;
  redis.Send(std::move(argv), [&](Result<RedisReply> r) { answer.set_value(std::move(r)); });
  auto future = answer.get_future();
  if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    ADD_FAILURE() << "no answer within 5 s";
    return MakeError(Errc::kInternal, "test timeout");
  }
  return future.get();
}

int RedisPortOrSkip() {
  const char* port = std::getenv("REDIS_PORT");
  if (!port) {
    if (std::getenv("TEST_REQUIRE_BACKENDS")) ADD_FAILURE() << "REDIS_PORT not set";
    return 0;
  }
  return std::atoi(port);
}

TEST(RedisPipeline, ConcurrentCommandsGetTheirOwnReplies) {
  int port = RedisPortOrSkip();
  if (port == 0) GTEST_SKIP() << "redis server not running";
  InitCrypto();
  OnLoop<RedisPipeline> pipeline(ConfigFor(port));
  RedisPipeline& redis = *pipeline;
  const std::string prefix = "test:" + RandomToken(6) + ":";
  constexpr int kThreads = 4, kEach = 250;
  ConcurrentOutcome outcome = SendConcurrently(
      kThreads, kEach, std::chrono::seconds(5), [&](int n, std::function<void(bool)> answered) {
        std::string key = prefix + std::to_string(n);
        std::string value = "v" + std::to_string(n);
        redis.Send({"SET", key, value, "EX", "60"}, [](Result<RedisReply>) {});
        redis.Send({"GET", key},
                   [answered, value](Result<RedisReply> r) { answered(r && r->text == value); });
      });
  EXPECT_EQ(outcome.right, kThreads * kEach);
  EXPECT_EQ(outcome.wrong, 0);
}

TEST(RedisPipeline, AnErrorReplyFailsOnlyItsCommand) {
  int port = RedisPortOrSkip();
  if (port == 0) GTEST_SKIP() << "redis server not running";
  InitCrypto();
  OnLoop<RedisPipeline> pipeline(ConfigFor(port));
  RedisPipeline& redis = *pipeline;
  std::string key = "test:" + RandomToken(6) + ":text";
  ASSERT_TRUE(SendAndWait(redis, {"SET", key, "not a number", "EX", "60"}));
  auto failed = SendAndWait(redis, {"INCR", key});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::kUnavailable);
  auto after = SendAndWait(redis, {"GET", key});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->text, "not a number");
  auto missing = SendAndWait(redis, {"GET", key + ":missing"});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->type, REDIS_REPLY_NIL);
}

TEST(RedisPipeline, NothingListeningIsUnavailableAtOnce) {
  int port;
  {
    net::io_context ioc;
    tcp::acceptor probe(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }  // closed: nothing listens there now
  OnLoop<RedisPipeline> pipeline(ConfigFor(port));
  RedisPipeline& redis = *pipeline;
  auto started = std::chrono::steady_clock::now();
  auto r = SendAndWait(redis, {"PING"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

// A server that takes connections and answers as told: `answer` is called with each
// connection's number (from 1) and returns what to do.
class FakeRedis {
 public:
  enum class Mode { kClose, kSilent, kPong };
  explicit FakeRedis(std::function<Mode(int)> mode)
      : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        mode_(std::move(mode)),
        thread_([this] { Serve(); }) {}
  ~FakeRedis() {
    stopping_ = true;
    boost::system::error_code ignored;
    // Wake the accept with a connection of our own, then wait for the thread.
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }

 private:
  void Serve() {
    std::vector<tcp::socket> kept;  // silent connections stay open
    while (!stopping_) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) break;
      Mode mode = mode_(++connections_);
      if (mode == Mode::kClose) continue;  // closed as `socket` goes
      if (mode == Mode::kSilent) {
        kept.push_back(std::move(socket));
        continue;
      }
      std::array<char, 1024> buffer;
      while (!stopping_) {
        std::size_t n = socket.read_some(net::buffer(buffer), ec);
        if (ec) break;
        // One PONG per command: count the commands ('*' starts each) in what arrived.
        std::string replies;
        for (std::size_t i = 0; i < n; ++i) {
          if (buffer[i] == '*') replies += "+PONG\r\n";
        }
        net::write(socket, net::buffer(replies), ec);
      }
    }
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::function<Mode(int)> mode_;
  std::atomic<int> connections_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

TEST(RedisPipeline, ABrokenConnectionFailsItsCommandsAndTheNextOneReconnects) {
  FakeRedis fake([](int n) { return n == 1 ? FakeRedis::Mode::kClose : FakeRedis::Mode::kPong; });
  OnLoop<RedisPipeline> pipeline(ConfigFor(fake.port()));
  RedisPipeline& redis = *pipeline;
  auto lost = SendAndWait(redis, {"PING"});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, Errc::kUnavailable);
  auto back = SendAndWait(redis, {"PING"});
  ASSERT_TRUE(back) << back.error().reason;
  EXPECT_EQ(back->text, "PONG");
  EXPECT_EQ(fake.connections(), 2);
}

TEST(RedisPipeline, ACommandWithoutAnswerTimesOut) {
  FakeRedis fake([](int) { return FakeRedis::Mode::kSilent; });
  OnLoop<RedisPipeline> pipeline(ConfigFor(fake.port()));
  RedisPipeline& redis = *pipeline;
  auto started = std::chrono::steady_clock::now();
  auto r = SendAndWait(redis, {"PING"});
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_NE(r.error().reason.find("no reply"), std::string::npos) << r.error().reason;
  EXPECT_GE(waited, std::chrono::milliseconds(300)) << "not before the command timeout";
}

}  // namespace
}  // namespace gatehouse
