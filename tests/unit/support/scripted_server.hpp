#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace gatehouse {

// The server side of one connection in a ScriptedServer: blocking reads that give up after
// five seconds (so a test never hangs) and writes.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(int fd) : fd_(fd) {}

  // Everything up to and including `end`; what came before a timeout or close otherwise.
  std::string ReadUntil(std::string_view end) {
    while (buffer_.find(end) == std::string::npos) {
      pollfd p{fd_, POLLIN, 0};
      char chunk[4096];
      if (poll(&p, 1, 5000) != 1) break;
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    std::size_t at = buffer_.find(end);
    std::size_t take = at == std::string::npos ? buffer_.size() : at + end.size();
    std::string out = buffer_.substr(0, take);
    buffer_.erase(0, take);
    return out;
  }
  std::string ReadLine() { return ReadUntil("\r\n"); }
  void Send(std::string_view bytes) { send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

 private:
  int fd_;
  std::string buffer_;
};

// A TCP server on a free loopback port that runs `script` for the first connection it
// accepts, on a thread of its own; the connection closes when the script returns.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<void(ScriptedPeer&)> script)
      : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this, script = std::move(script)] {
          boost::asio::ip::tcp::socket socket(ioc_);
          boost::system::error_code ec;
          acceptor_.accept(socket, ec);
          if (ec || stopping_) return;
          ScriptedPeer peer(socket.native_handle());
          script(peer);
        }) {}
  ~ScriptedServer() {
    stopping_ = true;
    boost::asio::ip::tcp::socket poke(ioc_);  // wakes an accept still waiting
    boost::system::error_code ignored;
    poke.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  int port() const { return acceptor_.local_endpoint().port(); }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace gatehouse
