#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <utility>

namespace gatehouse {

// An asynchronous client (RedisPipeline, PgPipeline) on an io_context run by two threads, as
// the HTTP server runs its I/O threads. The threads stop before the client goes, as those
// clients require.
template <typename Client>
class OnLoop {
 public:
  template <typename... Args>
  explicit OnLoop(Args&&... args)
      : client_(std::make_unique<Client>(ioc_.get_executor(), std::forward<Args>(args)...)) {
    for (auto& t : threads_) t = std::thread([this] { ioc_.run(); });
  }
  ~OnLoop() {
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    client_.reset();
  }
  OnLoop(const OnLoop&) = delete;
  OnLoop& operator=(const OnLoop&) = delete;
  Client& operator*() { return *client_; }

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(ioc_);
  std::unique_ptr<Client> client_;
  std::thread threads_[2];
};

}  // namespace gatehouse
