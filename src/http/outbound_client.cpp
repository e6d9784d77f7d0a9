// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "http/outbound_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <vector>

#include "net/deadline.hpp"
#include "net/tls_client.hpp"

namespace gatehouse {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

Error Failed(const std::string& step, const error_code& error) {
  return MakeError(Errc::kUnavailable, "HTTP " + step + ": " + error.message());
}

template <typename Stream>
asio::awaitable<Result<OutboundResponse>> Exchange(Stream& stream,
                                                   http::request<http::string_body> message) {
  error_code error;
  co_await http::async_write(stream, message, asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return Failed("writing the request", error);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kOutboundBodyLimit);
  co_await http::async_read_header(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, error));
  // A body longer than the limit is cut, and one declared longer is not read at all: the
  // status is what counts. (Beast reports a declared one at the header, not always.)
  auto declared = parser.content_length();
  bool too_long = error == http::error::body_limit || (declared && *declared > kOutboundBodyLimit);
  if (error && !too_long) co_return Failed("reading the response", error);
  if (!too_long) {
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, error));
    if (error && error != http::error::body_limit) co_return Failed("reading the response", error);
  }
  OutboundResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  response.body = std::move(parser.get().body());
  co_return response;
}

asio::awaitable<Result<OutboundResponse>> Send(
    asio::io_context& io, ParsedUrl url, http::request<http::string_body> message,
    asio::ssl::context* tls, const std::function<bool(const std::string&)>& allow_address) {
  error_code error;
  tcp::resolver resolver(io);
  auto resolved = co_await resolver.async_resolve(url.host, url.port,
                                                  asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return Failed("resolving " + url.host, error);
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : resolved) {
    asio::ip::address address = entry.endpoint().address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    if (!allow_address || allow_address(address.to_string())) {
      endpoints.push_back(entry.endpoint());
    }
  }
  if (endpoints.empty()) {
    co_return MakeError(Errc::kForbidden, "HTTP: no address of " + url.host + " is allowed");
  }
  tcp::socket socket(io);
  co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return Failed("connecting", error);
  if (!tls) co_return co_await Exchange(socket, std::move(message));

  asio::ssl::stream<tcp::socket&> stream(socket, *tls);
  if (!ExpectServerName(stream.native_handle(), url.host)) {
    co_return MakeError(Errc::kUnavailable, "HTTP: cannot check a certificate for " + url.host);
  }
  co_await stream.async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return Failed("TLS handshake", error);
  co_return co_await Exchange(stream, std::move(message));
}

}  // namespace

Result<ParsedUrl> ParseHttpUrl(const std::string& url) {
  ParsedUrl parsed;
  std::string_view rest(url);
  if (rest.starts_with("https://")) {
    parsed.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return MakeError(Errc::kInvalidRequest, "not an http(s) URL: " + url);
  }
  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  if (auto fragment = target.find('#'); fragment != std::string_view::npos) {
    target = target.substr(0, fragment);
  }
  if (authority.find('@') != std::string_view::npos) {
    return MakeError(Errc::kInvalidRequest, "user info in a URL: " + url);
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return MakeError(Errc::kInvalidRequest, "bad IPv6 host: " + url);
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return MakeError(Errc::kInvalidRequest, "bad authority: " + url);
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return MakeError(Errc::kInvalidRequest, "no host in a URL: " + url);
  if (port.empty()) {
    port = parsed.tls ? "443" : "80";
  } else {
    int number = 0;
    for (char ch : port) {
      if (ch < '0' || ch > '9' || number > 65535) {
        return MakeError(Errc::kInvalidRequest, "bad port in a URL: " + url);
      }
      number = number * 10 + (ch - '0');
    }
    if (number < 1 || number > 65535) return MakeError(Errc::kInvalidRequest, "bad port: " + url);
  }
  parsed.host = std::string(host);
  parsed.port = std::string(port);
  parsed.target = target.empty()            ? "/"
                  : target.starts_with('?') ? "/" + std::string(target)
                                            : std::string(target);
  return parsed;
}

Result<OutboundResponse> SendOutbound(const OutboundRequest& request) {
  auto url = ParseHttpUrl(request.url);
  if (!url) return url.error();
  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(url->target);
  message.version(11);
  bool default_port = url->port == (url->tls ? "443" : "80");
  std::string host_field =
      url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host;
  message.set(http::field::host, default_port ? host_field : host_field + ":" + url->port);
  message.set(http::field::user_agent, "Gatehouse");
  message.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) {
    if ((name + value).find_first_of("\r\n") != std::string::npos) {
      return MakeError(Errc::kInvalidRequest, "a line break in the header " + name);
    }
    message.set(name, value);
  }
  message.body() = request.body;
  message.prepare_payload();

  std::optional<asio::ssl::context> tls;
  if (url->tls) {
    auto context = MakeVerifyingTlsContext(request.ca_file);
    if (!context) return context.error();
    tls.emplace(std::move(*context));
  }
  return RunWithDeadline<OutboundResponse>(
      request.timeout, "HTTP " + request.method + " " + url->host, [&](asio::io_context& io) {
        return Send(io, *url, std::move(message), tls ? &*tls : nullptr, request.allow_address);
      });
}

}  // namespace gatehouse
