#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/fifo_slots.hpp"
#include "core/result.hpp"
#include "store/pg_rows.hpp"

namespace gatehouse {

class Connection;
class PgPipeline;

// A pool of SQL connections (SOCI, handed out first come first served, each with its
// prepared statements: store/connection.hpp) to SQLite (`sqlite:///path`) or PostgreSQL
// (`postgresql://user:pass@host:port/db`). The dialect differences live here and in
// migrations.cpp only; the rest of the SQL is common to both. Thread-safe.
class Database {
 public:
  enum class Dialect { kSqlite, kPostgres };

  // Opens `config.pool_size` connections; throws std::runtime_error if the database cannot be
  // opened (start-up only).
  explicit Database(const DatabaseConfig& config);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `work` on a pooled connection; for reads (writes go through Write or Transaction).
  // Any database exception becomes kUnavailable (the reason goes to the log, never to the
  // client).
  template <typename T>
  Result<T> Run(const std::function<Result<T>(Connection&)>& work) {
    return RunTyped<T>(work, Mode::kRead);
  }
  // For `work` that is a single writing statement, atomic by itself: no BEGIN/COMMIT round
  // trips, but on SQLite it still queues behind the other writers (see Transaction).
  template <typename T>
  Result<T> Write(const std::function<Result<T>(Connection&)>& work) {
    return RunTyped<T>(work, Mode::kSingleWrite);
  }
  // Like Run, inside one transaction: committed when `work` succeeds, rolled back when it
  // returns an error or throws. On SQLite, writers queue on an in-process mutex and then take
  // the write lock up front (BEGIN IMMEDIATE): no deadlock on a lock upgrade, and no waiting
  // in SQLite's sleep-and-retry busy handler (which put p99 of refreshes near 100 ms).
  template <typename T>
  Result<T> Transaction(const std::function<Result<T>(Connection&)>& work) {
    return RunTyped<T>(work, Mode::kTransaction);
  }

  bool Ping();
  Dialect dialect() const { return dialect_; }

  // PostgreSQL only: queries without blocking the calling thread, through `pipeline` (on the
  // HTTP server's I/O threads; store/pg_pipeline.hpp). Attach before the server runs; detach
  // after it stopped, before its context is destroyed.
  void AttachAsync(std::unique_ptr<PgPipeline> pipeline);
  void DetachAsync();
  // The libpq connection string of a PostgreSQL database (empty for SQLite).
  const std::string& conninfo() const { return conninfo_; }
  // Runs the PostgreSQL statement `name` (`sql`, $n parameters) asynchronously: true when it
  // took the query (then `done` is called once, on another thread); false without an attached
  // pipeline (the caller runs its synchronous query where blocking is fine).
  bool QueryAsync(const char* name, const char* sql, std::vector<std::string> params,
                  PgRowsDone done);

  // Inside a Transaction: serialises it with every other transaction (of any instance) that
  // takes the same lock, until it ends. SQLite transactions already run one at a time.
  void SerialiseOn(Connection& sql, std::int64_t lock_id) const;

 private:
  enum class Mode { kRead, kSingleWrite, kTransaction };
  template <typename T>
  Result<T> RunTyped(const std::function<Result<T>(Connection&)>& work, Mode mode) {
    std::optional<Result<T>> out;
    Status status = RunImpl(
        [&](Connection& sql) -> Status {
          out.emplace(work(sql));
          if (out->ok()) return Ok{};
          return out->error();
        },
        mode);
    if (!status) return status.error();
    return std::move(*out);
  }
  Status RunImpl(const std::function<Status(Connection&)>& work, Mode mode);
  void Reconnect(Connection& sql);

  Dialect dialect_;
  std::string conninfo_;                  // PostgreSQL
  std::unique_ptr<PgPipeline> pipeline_;  // set and reset only while no request runs
  std::vector<std::unique_ptr<Connection>> connections_;
  FifoSlots order_;
  std::mutex write_mutex_;  // SQLite only
};

}  // namespace gatehouse
