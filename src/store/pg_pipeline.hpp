#pragma once

#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/pg_rows.hpp"

namespace gatehouse {

// One PostgreSQL connection used asynchronously on an asio executor (the HTTP server's I/O
// threads), in libpq's pipeline mode: Query queues a prepared statement and returns at once;
// queries sent while others are in flight share writes and reads, as RedisPipeline does for
// Redis. Each query is followed by its own sync point, so an error fails that query only.
// Statements are prepared on the connection the first time they are named. It connects on
// first use and again after a failure (refused connection, broken socket, no answer within
// `query_timeout`), which fails every query then in flight with kUnavailable. Callbacks run on
// the connection's strand and must not block. Thread-safe; destroy it only after its
// executor's context has stopped.
class PgPipeline {
 public:
  using Row = PgRow;
  using Done = PgRowsDone;

  PgPipeline(boost::asio::any_io_executor executor, std::string conninfo,
             std::chrono::milliseconds query_timeout);
  ~PgPipeline();
  PgPipeline(const PgPipeline&) = delete;
  PgPipeline& operator=(const PgPipeline&) = delete;

  // Runs the statement `name` (prepared from `sql` on first use) with text parameters.
  // `name` and `sql` must outlive the pipeline (string literals).
  void Query(const char* name, const char* sql, std::vector<std::string> params, Done done);

 private:
  using Clock = std::chrono::steady_clock;
  struct Waiting {
    Done done;                       // empty for the connection's own PREPARE
    const char* prepares = nullptr;  // the statement a PREPARE makes
    Clock::time_point deadline;
    std::optional<Result<std::vector<Row>>> outcome;  // set by its result, given at its sync
  };

  void Connect();
  void PollConnect(PostgresPollingStatusType status);  // until the connection is up
  void Send(const char* name, const char* sql, const std::vector<std::string>& params, Done done);
  void Flush();
  void WaitReadable();
  void TakeResults();
  void ArmTimer();
  void Fail(const std::string& why);
  void Close();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  const std::string conninfo_;
  const std::chrono::milliseconds query_timeout_;
  PGconn* conn_ = nullptr;
  boost::asio::posix::stream_descriptor socket_;  // libpq's socket, released before PQfinish
  boost::asio::steady_timer timer_;
  enum class State { kClosed, kConnecting, kOpen } state_ = State::kClosed;
  unsigned generation_ = 0;
  bool flush_waiting_ = false;
  bool healthy_ = true;
  std::set<std::string> prepared_;  // statement names prepared on this connection
  struct Pending {                  // queued while connecting
    const char* name;
    const char* sql;
    std::vector<std::string> params;
    Done done;
  };
  std::vector<Pending> pending_;
  std::deque<Waiting> waiting_;
};

}  // namespace gatehouse
