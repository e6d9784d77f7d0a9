#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "cache/memory/memory_cache.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "crypto/random.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

namespace gatehouse {

// What a service needs below it, real and in-process: a SQLite database in a temporary file
// with the current schema, the memory cache and a clock the test moves (no sleeping).
class StorageFixture : public ::testing::Test {
 protected:
  static constexpr std::int64_t kStart = 1'800'000'000;

  void SetUp() override {
    InitCrypto();
    path_ = std::filesystem::path(::testing::TempDir()) / ("gh-" + RandomToken(8) + ".sqlite");
    DatabaseConfig config = DefaultConfig().database;
    config.url = "sqlite://" + path_.string();
    config.pool_size = 4;
    db_ = std::make_unique<Database>(config);
    ASSERT_TRUE(ApplyMigrations(*db_));
  }

  void TearDown() override {
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }

  ManualClock clock_{kStart};
  MemoryCache cache_{clock_, 8 << 20};
  std::filesystem::path path_;
  std::unique_ptr<Database> db_;
};

}  // namespace gatehouse
