#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>

#include "config/config.hpp"
#include "http/cors.hpp"
#include "http/router.hpp"

namespace gatehouse {

// The HTTP/1.1 server (Boost.Beast, C++20 coroutines). I/O threads parse and write; handlers
// run on a worker pool unless their route is Execution::kInline, or Execution::kStorage with
// `storage_in_process` (SQLite and the memory cache: nothing to wait for on a network).
// Keep-alive, header/body/idle timeouts, body and header size limits, graceful drain on
// SIGTERM/SIGINT.
class HttpServer {
 public:
  HttpServer(const ServerConfig& config, const Router& router, const Cors& cors,
             bool storage_in_process);
  ~HttpServer();

  // Binds and listens; throws std::runtime_error when the address is unusable.
  void Listen();
  // The bound port (useful with port 0).
  int port() const;
  // Serves until SIGTERM/SIGINT or Stop(), then stops accepting, lets in-flight requests
  // finish (up to shutdown_grace_seconds) and returns.
  void Run();
  // Starts the same drain as a signal. Thread-safe.
  void Stop();
  // The I/O threads' executor, for asynchronous clients that answer asynchronous handlers
  // (RedisPipeline). Its context stops when Run returns and is destroyed with the server.
  boost::asio::any_io_executor executor();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse
