#include "store/pg_pipeline.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "ops/metrics.hpp"

namespace gatehouse {

namespace net = boost::asio;
using boost::system::error_code;

PgPipeline::PgPipeline(net::any_io_executor executor, std::string conninfo,
                       std::chrono::milliseconds query_timeout)
    : strand_(net::make_strand(executor)),
      conninfo_(std::move(conninfo)),
      query_timeout_(query_timeout),
      socket_(strand_),
      timer_(strand_) {}

PgPipeline::~PgPipeline() { Close(); }

void PgPipeline::Query(const char* name, const char* sql, std::vector<std::string> params,
                       Done done) {
  net::post(strand_,
            [this, name, sql, params = std::move(params), done = std::move(done)]() mutable {
              if (state_ == State::kOpen) {
                Send(name, sql, params, std::move(done));
                Flush();
                return;
              }
              pending_.push_back({name, sql, std::move(params), std::move(done)});
              if (state_ == State::kClosed) Connect();
            });
}

void PgPipeline::Connect() {
  state_ = State::kConnecting;
  conn_ = PQconnectStart(conninfo_.c_str());
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD || PQsetnonblocking(conn_, 1) != 0) {
    return Fail(std::string("connect: ") + (conn_ ? PQerrorMessage(conn_) : "out of memory"));
  }
  timer_.expires_after(query_timeout_);
  timer_.async_wait([this, generation = generation_](const error_code& ec) {
    if (!ec && generation == generation_ && state_ == State::kConnecting) {
      Fail("connect: no answer within " + std::to_string(query_timeout_.count()) + " ms");
    }
  });
  // After PQconnectStart, libpq wants to be polled as if writing had been asked for.
  PollConnect(PGRES_POLLING_WRITING);
}

void PgPipeline::PollConnect(PostgresPollingStatusType status) {
  // libpq may move to another socket while it tries the addresses of a host.
  if (PQsocket(conn_) >= 0 && (!socket_.is_open() || socket_.native_handle() != PQsocket(conn_))) {
    if (socket_.is_open()) socket_.release();
    socket_.assign(PQsocket(conn_));
  }
  auto again = [this, generation = generation_](const error_code& ec) {
    if (generation != generation_) return;
    if (ec) return Fail("connect: " + ec.message());
    PollConnect(PQconnectPoll(conn_));
  };
  switch (status) {
    case PGRES_POLLING_READING:
      socket_.async_wait(net::posix::stream_descriptor::wait_read, again);
      return;
    case PGRES_POLLING_WRITING:
      socket_.async_wait(net::posix::stream_descriptor::wait_write, again);
      return;
    case PGRES_POLLING_OK: break;
    default: return Fail(std::string("connect: ") + PQerrorMessage(conn_));
  }
  if (PQenterPipelineMode(conn_) != 1) return Fail("cannot enter pipeline mode");
  state_ = State::kOpen;
  timer_.cancel();
  std::vector<Pending> queued;
  queued.swap(pending_);
  for (Pending& p : queued) Send(p.name, p.sql, p.params, std::move(p.done));
  Flush();
  WaitReadable();
}

void PgPipeline::Send(const char* name, const char* sql, const std::vector<std::string>& params,
                      Done done) {
  if (state_ != State::kOpen) {
    pending_.push_back({name, sql, params, std::move(done)});
    return;
  }
  auto deadline = Clock::now() + query_timeout_;
  const int count = static_cast<int>(params.size());
  if (!prepared_.contains(name)) {
    if (PQsendPrepare(conn_, name, sql, count, nullptr) != 1 || PQpipelineSync(conn_) != 1) {
      pending_.push_back({name, sql, params, std::move(done)});
      return Fail(std::string("prepare: ") + PQerrorMessage(conn_));
    }
    prepared_.insert(name);
    waiting_.push_back({nullptr, name, deadline, std::nullopt});
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  if (PQsendQueryPrepared(conn_, name, count, values.data(), nullptr, nullptr, 0) != 1 ||
      PQpipelineSync(conn_) != 1) {
    pending_.push_back({name, sql, params, std::move(done)});
    return Fail(std::string("send: ") + PQerrorMessage(conn_));
  }
  waiting_.push_back({std::move(done), nullptr, deadline, std::nullopt});
  if (waiting_.size() <= 2) ArmTimer();
}

void PgPipeline::Flush() {
  if (flush_waiting_ || state_ != State::kOpen) return;
  int flushed = PQflush(conn_);
  if (flushed < 0) return Fail(std::string("write: ") + PQerrorMessage(conn_));
  if (flushed == 0) return;
  flush_waiting_ = true;  // the rest once the socket takes more
  socket_.async_wait(net::posix::stream_descriptor::wait_write,
                     [this, generation = generation_](const error_code& ec) {
                       if (generation != generation_) return;
                       flush_waiting_ = false;
                       if (ec) return Fail("write: " + ec.message());
                       Flush();
                     });
}

void PgPipeline::WaitReadable() {
  socket_.async_wait(net::posix::stream_descriptor::wait_read,
                     [this, generation = generation_](const error_code& ec) {
                       if (generation != generation_) return;
                       if (ec) return Fail("read: " + ec.message());
                       if (PQconsumeInput(conn_) != 1) {
                         return Fail(std::string("read: ") + PQerrorMessage(conn_));
                       }
                       TakeResults();
                       if (generation != generation_) return;
                       Flush();  // libpq may have waited for our reads to write on
                       WaitReadable();
                     });
}

void PgPipeline::TakeResults() {
  const unsigned generation = generation_;
  while (!waiting_.empty() && !PQisBusy(conn_)) {
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) {
      // The end of one query's results; its sync point comes next (or has not arrived).
      if (PQisBusy(conn_)) break;
      continue;
    }
    Waiting& front = waiting_.front();
    switch (PQresultStatus(result)) {
      case PGRES_PIPELINE_SYNC: {
        Waiting done = std::move(front);
        waiting_.pop_front();
        bool failed = done.outcome && !*done.outcome;
        if (done.prepares && failed) prepared_.erase(done.prepares);
        if (done.done) {
          done.done(done.outcome ? std::move(*done.outcome)
                                 : Result<std::vector<Row>>(std::vector<Row>{}));
        }
        if (healthy_ == false) {
          spdlog::info("postgres: answering again");
          healthy_ = true;
        }
        break;
      }
      case PGRES_TUPLES_OK: {
        std::vector<Row> rows(static_cast<std::size_t>(PQntuples(result)));
        const int columns = PQnfields(result);
        for (int r = 0; r < PQntuples(result); ++r) {
          Row& row = rows[static_cast<std::size_t>(r)];
          row.reserve(static_cast<std::size_t>(columns));
          for (int c = 0; c < columns; ++c) {
            if (PQgetisnull(result, r, c)) {
              row.emplace_back(std::nullopt);
            } else {
              row.emplace_back(std::string(PQgetvalue(result, r, c),
                                           static_cast<std::size_t>(PQgetlength(result, r, c))));
            }
          }
        }
        front.outcome = std::move(rows);
        break;
      }
      case PGRES_COMMAND_OK: front.outcome = std::vector<Row>{}; break;
      default:  // PGRES_FATAL_ERROR, PGRES_PIPELINE_ABORTED, …
        front.outcome =
            MakeError(Errc::kUnavailable, std::string("postgres: ") + PQresultErrorMessage(result));
        break;
    }
    PQclear(result);
    if (generation != generation_) return;  // a callback's Query cannot fail us, but be sure
  }
  ArmTimer();
}

void PgPipeline::ArmTimer() {
  if (state_ != State::kOpen) return;
  if (waiting_.empty()) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(waiting_.front().deadline);
  timer_.async_wait([this, generation = generation_](const error_code& ec) {
    if (ec || generation != generation_) return;
    if (!waiting_.empty() && waiting_.front().deadline <= Clock::now()) {
      Fail("no answer within " + std::to_string(query_timeout_.count()) + " ms");
    } else {
      ArmTimer();
    }
  });
}

void PgPipeline::Close() {
  error_code ignored;
  timer_.cancel();
  if (socket_.is_open()) {
    socket_.cancel(ignored);
    socket_.release();  // libpq owns the socket and closes it in PQfinish
  }
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  flush_waiting_ = false;
  prepared_.clear();
}

void PgPipeline::Fail(const std::string& why) {
  ++generation_;
  Close();
  state_ = State::kClosed;
  std::deque<Waiting> failed;
  failed.swap(waiting_);
  std::vector<Pending> queued;
  queued.swap(pending_);
  ++GlobalMetrics().database_errors;
  if (healthy_) {
    spdlog::warn("postgres: {}", why);
    healthy_ = false;
  }
  Error error = MakeError(Errc::kUnavailable, "postgres: " + why);
  for (Waiting& w : failed) {
    if (w.done) w.done(error);
  }
  for (Pending& p : queued) p.done(error);
}

}  // namespace gatehouse
