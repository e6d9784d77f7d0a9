#include "store/database.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace gatehouse {
namespace {

std::string SqlitePath(const std::string& url) {
  std::string path = url.substr(std::string("sqlite://").size());
  if (path.empty()) throw std::runtime_error("database.url names no SQLite file");
  return path;
}

}  // namespace

Database::Database(const DatabaseConfig& config)
    : pool_(std::make_unique<soci::connection_pool>(config.pool_size)), size_(config.pool_size) {
  std::string path = SqlitePath(config.url);
  for (std::size_t i = 0; i < size_; ++i) {
    soci::session& sql = pool_->at(i);
    sql.open(soci::sqlite3, "db=" + path + " timeout=" +
                                std::to_string(std::max(1, config.busy_timeout_ms / 1000)));
    // WAL lets readers run beside the writer; busy_timeout makes writers wait, not fail.
    sql << "PRAGMA journal_mode=WAL";
    sql << "PRAGMA busy_timeout=" + std::to_string(config.busy_timeout_ms);
    sql << "PRAGMA foreign_keys=ON";
    sql << "PRAGMA synchronous=NORMAL";
  }
}

Database::~Database() = default;

Status Database::RunImpl(const std::function<Status(soci::session&)>& work, bool transactional) {
  std::unique_lock<std::mutex> writer;
  if (transactional) writer = std::unique_lock(write_mutex_);
  std::size_t slot = pool_->lease();
  soci::session& sql = pool_->at(slot);
  bool in_transaction = false;
  try {
    if (transactional) {
      sql << "BEGIN IMMEDIATE";
      in_transaction = true;
    }
    Status status = work(sql);
    if (in_transaction) {
      sql << (status ? "COMMIT" : "ROLLBACK");
      in_transaction = false;
    }
    pool_->give_back(slot);
    return status;
  } catch (const std::exception& e) {
    if (in_transaction) {
      try {
        sql << "ROLLBACK";
      } catch (const std::exception&) {
        // the connection is broken; the next statement on it reports that
      }
    }
    pool_->give_back(slot);
    spdlog::error("database error: {}", e.what());
    return MakeError(Errc::kUnavailable, std::string("database: ") + e.what());
  }
}

bool Database::Ping() {
  return Run<int>([](soci::session& sql) -> Result<int> {
           int one = 0;
           sql << "SELECT 1", soci::into(one);
           return one;
         })
      .ok();
}

bool IsUniqueViolation(const std::exception& e) {
  std::string what = e.what();
  return what.find("UNIQUE constraint failed") != std::string::npos ||
         what.find("23505") != std::string::npos || what.find("duplicate key") != std::string::npos;
}

}  // namespace gatehouse
