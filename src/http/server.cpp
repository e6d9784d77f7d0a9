// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "http/client_ip.hpp"
#include "http/middleware.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"
#include "ops/metrics.hpp"

namespace gatehouse {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// One open connection, registered so a drain can close the idle ones at once.
struct Connection {
  beast::tcp_stream* stream;
  std::atomic<bool> busy{false};
};

// `header_fields`: how many of the message's fields came before the body. Beast appends a
// chunked body's trailer fields to the same list; RFC 9110 §6.5.1 forbids merging them into
// the header (a trailer could otherwise add an Authorization the proxy never saw).
Request ToRequest(http::request<http::string_body>& in, std::size_t header_fields,
                  const std::string& peer_ip, const TrustedProxies& trusted_proxies) {
  Request r;
  r.method = std::string(in.method_string());
  std::string_view target = OriginFormOf(std::string_view(in.target().data(), in.target().size()));
  auto question = target.find('?');
  r.path = question == 0 ? "/" : std::string(target.substr(0, question));
  if (question != std::string_view::npos) r.query = std::string(target.substr(question + 1));
  r.headers.reserve(std::min<std::size_t>(header_fields, 32));
  for (const auto& field : in) {
    if (header_fields-- == 0) break;
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  r.body = std::move(in.body());
  r.peer_ip = peer_ip;
  r.client_ip =
      ClientIp(peer_ip, r.Header("x-forwarded-for"), r.Header("forwarded"), trusted_proxies);
  auto peer = ParseIp(peer_ip);
  r.from_trusted_proxy = peer && trusted_proxies.Contains(*peer);
  r.request_id = RequestIdFor(r.Header("x-request-id"));
  return r;
}

std::vector<std::string_view> FieldValues(const http::request<http::string_body>& in,
                                          http::field name) {
  std::vector<std::string_view> out;
  auto [first, last] = in.equal_range(name);
  for (auto it = first; it != last; ++it) out.emplace_back(it->value().data(), it->value().size());
  return out;
}

RequestHead HeadOf(const http::request_parser<http::string_body>& parser) {
  const auto& in = parser.get();
  RequestHead head;
  head.version = in.version();
  head.method = std::string_view(in.method_string().data(), in.method_string().size());
  head.target = std::string_view(in.target().data(), in.target().size());
  head.host_values = FieldValues(in, http::field::host);
  head.transfer_encoding_values = FieldValues(in, http::field::transfer_encoding);
  head.parser_found_chunked = parser.chunked();
  head.expect_values = FieldValues(in, http::field::expect);
  return head;
}

// The IMF-fixdate of now for the Date header (RFC 9110 §6.6.1), formatted once a second
// per thread.
const std::string& HttpDateNow() {
  thread_local std::time_t formatted_for = -1;
  thread_local std::string text;
  std::time_t now = std::time(nullptr);
  if (now != formatted_for) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 64> buffer{};
    std::size_t n = std::strftime(buffer.data(), buffer.size(), "%a, %d %b %Y %H:%M:%S GMT", &utc);
    text.assign(buffer.data(), n);
    formatted_for = now;
  }
  return text;
}

// `head_only`: the answer to a HEAD request — the GET answer's header fields, Content-Length
// included, and no content (RFC 9110 §9.3.2). `idle_timeout_seconds`: when the connection
// stays open, how long it waits for the next request; said in Keep-Alive so that clients
// (undici, browsers) stop reusing it before the server closes it, rather than send a request
// into a connection that is being closed.
http::response<http::string_body> ToBeast(Response& r, unsigned version, bool keep_alive,
                                          int idle_timeout_seconds, bool head_only = false) {
  http::response<http::string_body> out{static_cast<http::status>(r.status), version};
  out.set(http::field::server, "gatehouse");
  out.set(http::field::date, HttpDateNow());
  // insert, not set: Response::SetHeader already replaces, and AddHeader means several.
  for (auto& [name, value] : r.headers) out.insert(name, value);
  out.body() = std::move(r.body);
  out.keep_alive(keep_alive);
  if (keep_alive)
    out.set(http::field::keep_alive, "timeout=" + std::to_string(idle_timeout_seconds));
  out.prepare_payload();
  // RFC 9110 §8.6: no Content-Length on a 1xx or 204 (Beast writes "0").
  if (r.status == 204 || r.status < 200) out.erase(http::field::content_length);
  if (head_only) out.body().clear();
  return out;
}

// Drops CRLF pairs at the start of `buffer` (RFC 9112 §2.2).
void SkipLeadingEmptyLines(beast::flat_buffer& buffer) {
  const char* data = static_cast<const char*>(buffer.data().data());
  std::size_t skip = 0;
  while (skip + 1 < buffer.size() && data[skip] == '\r' && data[skip + 1] == '\n') skip += 2;
  buffer.consume(skip);
}

// The unparsed first line in `buffer` (a parser error leaves the bytes there).
std::string_view FirstLine(const beast::flat_buffer& buffer) {
  std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
  return data.substr(0, data.find("\r\n"));
}

// `OPTIONS *`: what the server as a whole accepts (RFC 9110 §9.3.7).
Response ServerOptions() {
  Response r = Response::NoContent();
  r.SetHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  return r;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const ServerConfig& config, const Router& router, const Cors& cors, bool storage_in_process)
      : config_(config),
        storage_in_process_(storage_in_process),
        router_(router),
        cors_(cors),
        trusted_proxies_(config.trusted_proxies),
        ioc_(config.io_threads),
        workers_(static_cast<std::size_t>(config.worker_threads)),
        acceptor_(ioc_),
        signals_(ioc_, SIGINT, SIGTERM),
        drain_deadline_(ioc_) {}

  void Listen() {
    tcp::endpoint endpoint(net::ip::make_address(config_.host),
                           static_cast<unsigned short>(config_.port));
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  int port() const { return acceptor_.local_endpoint().port(); }

  void Run() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (!ec) {
        spdlog::info("signal {} received: draining", signal);
        BeginDrain();
      }
    });
    net::co_spawn(ioc_, Accept(), net::detached);
    std::vector<std::thread> threads;
    for (int i = 1; i < config_.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
    workers_.join();
    spdlog::info("server stopped");
  }

  void Stop() {
    net::post(ioc_, [this] { BeginDrain(); });
  }

  net::any_io_executor executor() { return ioc_.get_executor(); }

 private:
  void BeginDrain() {
    if (draining_.exchange(true)) return;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
    CloseIdleConnections();
    drain_deadline_.expires_after(std::chrono::seconds(config_.shutdown_grace_seconds));
    drain_deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        spdlog::warn("drain deadline reached with requests in flight: stopping");
        ioc_.stop();
      }
    });
    FinishDrainIfIdle();
  }

  void CloseIdleConnections() {
    std::lock_guard lock(connections_mutex_);
    for (Connection* c : connections_) {
      if (!c->busy) {
        net::post(c->stream->get_executor(), [stream = c->stream] {
          boost::system::error_code ignored;
          stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
          stream->socket().close(ignored);
        });
      }
    }
  }

  void FinishDrainIfIdle() {
    std::lock_guard lock(connections_mutex_);
    if (draining_ && connections_.empty()) {
      // Stopped, not left to run out of work: clients on this loop (the Redis pipeline) keep
      // reads of their own pending.
      net::post(ioc_, [this] {
        drain_deadline_.cancel();
        ioc_.stop();
      });
    }
  }

  net::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(
          net::make_strand(ioc_), net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        if (draining_ || ec == net::error::operation_aborted) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      auto executor = socket.get_executor();
      bool full;
      {
        std::lock_guard lock(connections_mutex_);
        full = connections_.size() >= static_cast<std::size_t>(config_.max_connections);
      }
      if (full) {
        net::co_spawn(executor, RefuseConnection(std::move(socket)), net::detached);
        continue;
      }
      net::co_spawn(executor, Serve(std::move(socket)), net::detached);
    }
  }

  // Runs a blocking handler on the worker pool and resumes the coroutine on its own executor.
  template <typename Work>
  net::awaitable<Response> OnWorkers(Work work) {
    co_return co_await net::async_initiate<decltype(net::use_awaitable), void(Response)>(
        [this, work = std::move(work)](auto handler) mutable {
          net::post(workers_, [work = std::move(work), handler = std::move(handler)]() mutable {
            Response response = work();
            auto executor = net::get_associated_executor(handler);
            net::post(executor,
                      [handler = std::move(handler), response = std::move(response)]() mutable {
                        handler(std::move(response));
                      });
          });
        },
        net::use_awaitable);
  }

  // Calls an asynchronous handler and waits for its Answer (router.hpp).
  net::awaitable<Response> Answered(const Route& route, const PathParams& params,
                                    const Request& request) {
    co_return co_await net::async_initiate<decltype(net::use_awaitable), void(Response)>(
        [this, &route, &params, &request](auto handler) {
          // Answer's functions are copyable; the completion handler is not.
          auto completion = std::make_shared<decltype(handler)>(std::move(handler));
          auto answered = std::make_shared<std::atomic<bool>>(false);
          auto finish = [completion, answered](Response response) {
            if (answered->exchange(true)) return;  // a handler bug: a second answer
            auto executor = net::get_associated_executor(*completion);
            net::post(executor, [completion, response = std::move(response)]() mutable {
              (*completion)(std::move(response));
            });
          };
          Answer answer;
          answer.now = finish;
          answer.on_worker = [this, finish](std::function<Response()> work) {
            net::post(workers_, [work = std::move(work), finish] { finish(Guarded(work)); });
          };
          try {
            route.async_handler(request, params, std::move(answer));
          } catch (const std::exception& e) {  // a bug: log it in full, answer generically
            finish(
                ProblemResponse(MakeError(Errc::kInternal, std::string("unhandled: ") + e.what())));
          }
        },
        net::use_awaitable);
  }

  // Half-closes, then reads and discards what the client still sends, for a bounded time and
  // volume, so it can read the response before the connection closes.
  net::awaitable<void> DrainBeforeClose(beast::tcp_stream& stream) {
    constexpr std::size_t kMaxDrainBytes = std::size_t{8} * 1024 * 1024;
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::chrono::seconds(2));
    std::array<char, std::size_t{16} * 1024> scratch;
    std::size_t drained = 0;
    while (!ec && drained < kMaxDrainBytes) {
      drained += co_await stream.async_read_some(net::buffer(scratch),
                                                 net::redirect_error(net::use_awaitable, ec));
    }
  }

  // A request target or a header count past the limits (the head's size is the parser's).
  std::optional<Error> OverLimits(const RequestHead& head, std::size_t header_fields) const {
    if (head.target.size() > static_cast<std::size_t>(config_.target_limit_bytes)) {
      return MakeError(Errc::kUriTooLong, "", "The request target is too long.");
    }
    if (header_fields > static_cast<std::size_t>(config_.header_fields_limit)) {
      return MakeError(Errc::kHeadersTooLarge, "", "The request has too many header fields.");
    }
    return std::nullopt;
  }

  // Answers `problem` and closes the connection.
  net::awaitable<void> RefuseAndClose(beast::tcp_stream& stream, const Error& problem) {
    Response r = ProblemResponse(problem);
    AddStandardHeaders(r, RequestIdFor({}));
    auto out = ToBeast(r, 11, false, 0);
    stream.expires_after(std::chrono::seconds(config_.body_timeout_seconds));
    boost::system::error_code ignored;
    co_await http::async_write(stream, out, net::redirect_error(net::use_awaitable, ignored));
    // Lingering close: a client still sending its (refused) body would otherwise get a reset
    // instead of our answer.
    co_await DrainBeforeClose(stream);
  }

  // A connection past server.max_connections: 503, and closed.
  net::awaitable<void> RefuseConnection(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    Error full = MakeError(Errc::kUnavailable, "connection limit reached",
                           "The server has too many connections; retry shortly.");
    full.retry_after_seconds = 1;
    co_await RefuseAndClose(stream, full);
  }

  net::awaitable<void> Serve(tcp::socket socket) {
    boost::system::error_code ec;
    std::string peer_ip = socket.remote_endpoint(ec).address().to_string();
    beast::tcp_stream stream(std::move(socket));
    Connection connection{&stream};
    {
      std::lock_guard lock(connections_mutex_);
      connections_.insert(&connection);
    }
    beast::flat_buffer buffer;
    for (;;) {
      if (draining_) break;
      // 1. Wait for the next request's first byte: the keep-alive idle timeout.
      if (buffer.size() == 0) {
        stream.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
        std::size_t n = co_await stream.async_read_some(
            buffer.prepare(8192), net::redirect_error(net::use_awaitable, ec));
        if (ec) break;
        buffer.commit(n);
      }
      // RFC 9112 §2.2: empty lines before a request line are ignored (some clients send a
      // CRLF after a POST body).
      SkipLeadingEmptyLines(buffer);
      if (buffer.size() == 0) continue;
      connection.busy = true;
      // 2. The head must arrive whole within header_timeout (slowloris), then the body.
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(config_.header_limit_bytes));
      parser.body_limit(static_cast<std::uint64_t>(config_.body_limit_bytes));
      auto started = std::chrono::steady_clock::now();
      stream.expires_after(std::chrono::seconds(config_.header_timeout_seconds));
      co_await http::async_read_header(stream, buffer, parser,
                                       net::redirect_error(net::use_awaitable, ec));
      std::size_t header_fields = 0;
      if (!ec) {
        RequestHead head = HeadOf(parser);
        header_fields =
            static_cast<std::size_t>(std::distance(parser.get().begin(), parser.get().end()));
        // Refused before any body is read: the body's end is not trusted (see request_head.hpp),
        // or the head is past a limit.
        std::optional<Error> refused = CheckRequestHead(head);
        if (!refused) refused = OverLimits(head, header_fields);
        if (refused) {
          co_await RefuseAndClose(stream, *refused);
          break;
        }
        if (!parser.is_done() && WantsContinue(head)) {
          if (parser.content_length() &&
              *parser.content_length() > static_cast<std::uint64_t>(config_.body_limit_bytes)) {
            ec = http::error::body_limit;
          } else {
            http::response<http::empty_body> go_on{http::status::continue_, 11};
            co_await http::async_write(stream, go_on, net::redirect_error(net::use_awaitable, ec));
          }
        }
        if (!ec && !parser.is_done()) {
          stream.expires_after(std::chrono::seconds(config_.body_timeout_seconds));
          co_await http::async_read(stream, buffer, parser,
                                    net::redirect_error(net::use_awaitable, ec));
        }
      }
      if (ec) {
        // Answer what can be answered; then close, since the stream position is unknown.
        std::optional<Error> problem;
        if (ec == http::error::body_limit) {
          problem = MakeError(Errc::kPayloadTooLarge, "", "The request body is too large.");
        } else if (ec == http::error::header_limit) {
          problem = MakeError(Errc::kHeadersTooLarge, "", "The request head is too large.");
        } else if (ec == http::error::bad_version && IsOtherHttpVersion(FirstLine(buffer))) {
          // The parser takes HTTP/1.0 and HTTP/1.1 only (RFC 9110 §15.6.6).
          problem = MakeError(Errc::kVersionNotSupported, "", "This server speaks HTTP/1.1.");
        } else if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
                   ec != http::error::end_of_stream && ec != http::error::partial_message) {
          problem = MakeError(Errc::kInvalidRequest, "", "Malformed HTTP request.");
        }
        if (problem) co_await RefuseAndClose(stream, *problem);
        break;
      }

      // 3. Route and run. HEAD runs the GET handler; its content is dropped when written.
      http::request<http::string_body> beast_request = parser.release();
      unsigned version = beast_request.version();
      bool keep_alive = beast_request.keep_alive();
      bool head_only = beast_request.method() == http::verb::head;
      Request request = ToRequest(beast_request, header_fields, peer_ip, trusted_proxies_);
      Router::Match match = router_.Find(head_only ? "GET" : request.method, request.path);
      Response response;
      if (auto preflight = cors_.Preflight(request)) {
        response = std::move(*preflight);
      } else if (request.path == "*") {
        response = ServerOptions();
      } else if (match.outcome == Router::Outcome::kFound && match.route->async_handler) {
        response = co_await Answered(*match.route, match.params, request);
      } else if (match.outcome == Router::Outcome::kFound && !RunsInline(*match.route)) {
        response = co_await OnWorkers([&request, &match] { return Dispatch(match, request); });
      } else {
        response = Dispatch(match, request);
      }
      cors_.Decorate(request, response);
      AddStandardHeaders(response, request.request_id);
      int status = response.status;
      keep_alive = keep_alive && !draining_;

      // 4. Write.
      auto out = ToBeast(response, version, keep_alive, config_.idle_timeout_seconds, head_only);
      stream.expires_after(std::chrono::seconds(config_.body_timeout_seconds));
      co_await http::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
      GlobalMetrics().RecordRequest(match.route ? match.route->pattern : "unmatched",
                                    match.route ? request.method : "-", status, micros / 1e6);
      spdlog::info(
          R"({{"event":"request","request_id":"{}","method":"{}","path":"{}","status":{},"duration_us":{},"ip":"{}"}})",
          request.request_id, request.method, match.route ? match.route->pattern : "-", status,
          micros, request.client_ip);
      connection.busy = false;
      if (ec || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    {
      std::lock_guard lock(connections_mutex_);
      connections_.erase(&connection);
    }
    FinishDrainIfIdle();
  }

  bool RunsInline(const Route& route) const {
    return route.execution == Execution::kInline ||
           (route.execution == Execution::kStorage && storage_in_process_);
  }

  const ServerConfig& config_;
  const bool storage_in_process_;
  const Router& router_;
  const Cors& cors_;
  TrustedProxies trusted_proxies_;
  net::io_context ioc_;
  net::thread_pool workers_;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer drain_deadline_;
  std::atomic<bool> draining_{false};
  std::mutex connections_mutex_;
  std::set<Connection*> connections_;
};

HttpServer::HttpServer(const ServerConfig& config, const Router& router, const Cors& cors,
                       bool storage_in_process)
    : impl_(std::make_unique<Impl>(config, router, cors, storage_in_process)) {}
HttpServer::~HttpServer() = default;
void HttpServer::Listen() { impl_->Listen(); }
int HttpServer::port() const { return impl_->port(); }
void HttpServer::Run() { impl_->Run(); }
void HttpServer::Stop() { impl_->Stop(); }
boost::asio::any_io_executor HttpServer::executor() { return impl_->executor(); }

}  // namespace gatehouse
