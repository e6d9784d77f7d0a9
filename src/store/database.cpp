#include "store/database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "ops/metrics.hpp"
#include "store/connection.hpp"
#include "store/pg_pipeline.hpp"
#include "store/postgres_url.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

void OpenSqlite(Connection& sql, const DatabaseConfig& config) {
  std::string path = config.url.substr(kSqliteScheme.size());
  if (path.empty()) throw std::runtime_error("database.url names no SQLite file");
  sql.open(soci::sqlite3,
           "db=" + path + " timeout=" + std::to_string(std::max(1, config.busy_timeout_ms / 1000)));
  // WAL lets readers run beside the writer; busy_timeout makes writers wait, not fail.
  sql << "PRAGMA journal_mode=WAL";
  sql << "PRAGMA busy_timeout=" + std::to_string(config.busy_timeout_ms);
  sql << "PRAGMA foreign_keys=ON";
  sql << "PRAGMA synchronous=NORMAL";
}

void OpenPostgres(Connection& sql, const DatabaseConfig& config) {
  auto conninfo = PostgresConnectionString(config.url);
  if (!conninfo) throw std::runtime_error("database.url is not a valid postgresql:// URL");
  sql.open(soci::postgresql, *conninfo);
  sql << "SET statement_timeout = " + std::to_string(config.busy_timeout_ms);
  sql << "SET client_min_messages = warning";  // no NOTICE chatter on stderr
}

}  // namespace

Database::Database(const DatabaseConfig& config)
    : dialect_(IsPostgresUrl(config.url) ? Dialect::kPostgres : Dialect::kSqlite),
      conninfo_(dialect_ == Dialect::kPostgres ? PostgresConnectionString(config.url).value_or("")
                                               : ""),
      order_(static_cast<std::size_t>(config.pool_size)) {
  if (config.pool_size < 1) throw std::runtime_error("database.pool_size must be at least 1");
  for (int i = 0; i < config.pool_size; ++i) {
    auto& sql =
        *connections_.emplace_back(std::make_unique<Connection>(dialect_ == Dialect::kSqlite));
    if (dialect_ == Dialect::kPostgres) {
      OpenPostgres(sql, config);
    } else {
      OpenSqlite(sql, config);
    }
  }
}

Database::~Database() = default;

Status Database::RunImpl(const std::function<Status(Connection&)>& work, Mode mode) {
  // SQLite allows one writer per file: queue here rather than in its sleep-and-retry busy
  // handler. PostgreSQL orders concurrent writers itself (row locks).
  std::unique_lock<std::mutex> writer;
  if (mode != Mode::kRead && dialect_ == Dialect::kSqlite) writer = std::unique_lock(write_mutex_);
  std::size_t slot = order_.Acquire();
  Connection& sql = *connections_[slot];
  bool in_transaction = false;
  try {
    if (mode == Mode::kTransaction) {
      sql.Begin();
      in_transaction = true;
    }
    Status status = work(sql);
    if (in_transaction) {
      status ? sql.Commit() : sql.Rollback();
      in_transaction = false;
    }
    std::vector<std::function<void()>> committed = sql.TakeAfterCommit();
    order_.Release(slot);
    if (writer) writer.unlock();
    if (status) {
      for (const auto& announce : committed) announce();
    }
    return status;
  } catch (const std::exception& e) {
    (void)sql.TakeAfterCommit();
    if (in_transaction) {
      try {
        sql.Rollback();
      } catch (const std::exception&) {
        // the connection is broken; the next statement on it reports that
      }
    }
    sql.ForgetPrepared();  // one may be left half-run; a reconnect makes them all invalid
    if (dialect_ == Dialect::kPostgres) Reconnect(sql);
    order_.Release(slot);
    ++GlobalMetrics().database_errors;
    spdlog::error("database error: {}", e.what());
    return MakeError(Errc::kUnavailable, std::string("database: ") + e.what());
  }
}

void Database::Reconnect(Connection& sql) {
  // After a server restart or a network error the connection is dead; a fresh one lets the
  // next request succeed without restarting Gatehouse. If the server is still down this
  // fails quietly and the next use tries again.
  try {
    int one = 0;
    sql << "SELECT 1", soci::into(one);
  } catch (const std::exception&) {
    try {
      sql.reconnect();
    } catch (const std::exception& e) {
      spdlog::warn("database reconnect failed: {}", e.what());
    }
  }
}

void Database::SerialiseOn(Connection& sql, std::int64_t lock_id) const {
  if (dialect_ == Dialect::kPostgres) {
    long long id = lock_id;
    sql << "SELECT pg_advisory_xact_lock(:id)", soci::use(id);
  }
}

void Database::AttachAsync(std::unique_ptr<PgPipeline> pipeline) {
  pipeline_ = std::move(pipeline);
}

void Database::DetachAsync() { pipeline_.reset(); }

bool Database::QueryAsync(const char* name, const char* sql, std::vector<std::string> params,
                          PgRowsDone done) {
  if (!pipeline_) return false;
  pipeline_->Query(name, sql, std::move(params), std::move(done));
  return true;
}

bool Database::Ping() {
  return Run<int>([](Connection& sql) -> Result<int> {
           int one = 0;
           sql << "SELECT 1", soci::into(one);
           return one;
         })
      .ok();
}

}  // namespace gatehouse
