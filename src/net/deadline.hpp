#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace gatehouse {

namespace deadline_detail {
template <typename T>
boost::asio::awaitable<void> StoreOutcome(boost::asio::awaitable<Result<T>> task,
                                          std::optional<Result<T>>& outcome) {
  outcome.emplace(co_await std::move(task));
}
}  // namespace deadline_detail

// Runs the coroutine that `start(io)` makes on a private io_context of the calling thread
// until it finishes or `timeout` passes. A conversation still running then is abandoned (its
// sockets close with the context) and answered kUnavailable "<what> timed out". For the
// blocking senders (mail, SMS) whose every step must share one deadline.
template <typename T, typename Start>
Result<T> RunWithDeadline(std::chrono::milliseconds timeout, const std::string& what, Start start) {
  std::optional<Result<T>> outcome;
  std::exception_ptr failure;
  boost::asio::io_context io;
  boost::asio::co_spawn(io, deadline_detail::StoreOutcome<T>(start(io), outcome),
                        [&failure](std::exception_ptr e) { failure = e; });
  io.run_for(timeout);
  if (failure) return MakeError(Errc::kInternal, what + " failed with an exception");
  if (!outcome) return MakeError(Errc::kUnavailable, what + " timed out");
  return std::move(*outcome);
}

}  // namespace gatehouse
