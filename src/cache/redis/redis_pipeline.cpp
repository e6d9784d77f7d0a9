#include "cache/redis/redis_pipeline.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "ops/metrics.hpp"

namespace gatehouse {

namespace net = boost::asio;
using boost::system::error_code;

RedisPipeline::RedisPipeline(net::any_io_executor executor, const CacheConfig& config)
    : strand_(net::make_strand(executor)),
      config_(config),
      resolver_(strand_),
      socket_(strand_),
      timer_(strand_),
      reader_(nullptr, redisReaderFree) {}

RedisPipeline::~RedisPipeline() = default;

void RedisPipeline::Send(std::vector<std::string> argv, Done done) {
  net::post(strand_, [this, argv = std::move(argv), done = std::move(done)]() mutable {
    if (state_ == State::kClosed) Connect();
    Queue(std::vector<std::string_view>(argv.begin(), argv.end()), std::move(done));
    if (state_ == State::kOpen) Write();
  });
}

void RedisPipeline::Connect() {
  state_ = State::kConnecting;
  reader_.reset(redisReaderCreate());
  if (!config_.redis.password.empty()) Queue({"AUTH", config_.redis.password}, nullptr);
  if (config_.redis.db != 0) Queue({"SELECT", std::to_string(config_.redis.db)}, nullptr);
  resolver_.async_resolve(
      config_.redis.host, std::to_string(config_.redis.port),
      [this, generation = generation_](const error_code& ec,
                                       const net::ip::tcp::resolver::results_type& endpoints) {
        if (generation != generation_) return;
        if (ec) return Fail("resolve " + config_.redis.host + ": " + ec.message());
        net::async_connect(socket_, endpoints,
                           [this, generation](const error_code& connect_ec, const auto&) {
                             if (generation == generation_) OnConnected(connect_ec);
                           });
      });
}

void RedisPipeline::OnConnected(const error_code& ec) {
  if (ec) return Fail("connect: " + ec.message());
  state_ = State::kOpen;
  error_code ignored;
  socket_.set_option(net::ip::tcp::no_delay(true), ignored);
  Read();
  Write();
}

void RedisPipeline::Queue(const std::vector<std::string_view>& argv, Done done) {
  // A command queued before the connection is up also waits for the connect.
  auto budget = std::chrono::milliseconds(
      config_.command_timeout_ms + (state_ == State::kOpen ? 0 : config_.connect_timeout_ms));
  AppendCommand(queued_, argv);
  waiting_.push_back({std::move(done), Clock::now() + budget});
  if (waiting_.size() == 1) ArmTimer();
}

void RedisPipeline::Write() {
  if (write_in_flight_ || queued_.empty()) return;
  writing_.swap(queued_);
  queued_.clear();
  write_in_flight_ = true;
  net::async_write(socket_, net::buffer(writing_),
                   [this, generation = generation_](const error_code& ec, std::size_t) {
                     if (generation != generation_) return;
                     write_in_flight_ = false;
                     writing_.clear();
                     if (ec) return Fail("write: " + ec.message());
                     Write();  // what was queued meanwhile goes out together
                   });
}

void RedisPipeline::Read() {
  socket_.async_read_some(net::buffer(read_buffer_), [this, generation = generation_](
                                                         const error_code& ec, std::size_t size) {
    if (generation != generation_) return;
    if (ec) return Fail("read: " + ec.message());
    if (redisReaderFeed(reader_.get(), read_buffer_.data(), size) != REDIS_OK) {
      return Fail("unreadable reply");
    }
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
        return Fail("unreadable reply");
      }
      if (raw == nullptr) break;  // the rest of the reply has not arrived yet
      RedisReply reply = CopyReply(*static_cast<redisReply*>(raw));
      freeReplyObject(raw);
      if (!healthy_) {
        spdlog::info("redis: answering again");
        healthy_ = true;
      }
      if (waiting_.empty()) return Fail("a reply nobody asked for");
      Done done = std::move(waiting_.front().done);
      waiting_.pop_front();
      if (reply.type == REDIS_REPLY_ERROR) {
        if (!done) return Fail("AUTH or SELECT refused: " + reply.text);
        done(MakeError(Errc::kUnavailable, "redis: " + reply.text));
      } else if (done) {
        done(std::move(reply));
      }
    }
    ArmTimer();
    Read();
  });
}

void RedisPipeline::ArmTimer() {
  if (waiting_.empty()) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(waiting_.front().deadline);
  timer_.async_wait([this, generation = generation_](const error_code& ec) {
    if (ec || generation != generation_) return;  // re-armed, or another connection by now
    if (!waiting_.empty() && waiting_.front().deadline <= Clock::now()) {
      Fail("no reply within " + std::to_string(config_.command_timeout_ms) + " ms");
    } else {
      ArmTimer();
    }
  });
}

void RedisPipeline::Fail(const std::string& why) {
  ++generation_;
  state_ = State::kClosed;
  error_code ignored;
  resolver_.cancel();
  socket_.close(ignored);
  timer_.cancel();
  queued_.clear();
  writing_.clear();
  write_in_flight_ = false;
  std::deque<Waiting> failed;
  failed.swap(waiting_);
  ++GlobalMetrics().cache_errors;
  if (healthy_) {
    spdlog::warn("redis: {}; {} command(s) failed", why, failed.size());
    healthy_ = false;
  } else {
    spdlog::debug("redis: {}; {} command(s) failed", why, failed.size());
  }
  for (Waiting& w : failed) {
    if (w.done) w.done(MakeError(Errc::kUnavailable, "redis: " + why));
  }
}

}  // namespace gatehouse
