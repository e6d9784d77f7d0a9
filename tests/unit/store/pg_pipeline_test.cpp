#include "store/pg_pipeline.hpp"
#include "support/concurrent_requests.hpp"
#include "support/on_loop.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdlib>
#include <future>
#include <thread>

namespace gatehouse {
namespace {

namespace net = boost::asio;
using std::chrono::milliseconds;

std::string ConninfoFor(const std::string& port) {
  return "host=127.0.0.1 port=" + port + " user=gatehouse dbname=postgres connect_timeout=2";
}

Result<std::vector<PgPipeline::Row>> QueryAndWait(PgPipeline& pg, const char* name, const char* sql,
                                                  std::vector<std::string> params) {
  std::promise<Result<std::vector<PgPipeline::Row>>> answer;
  pg.Query(name, sql, std::move(params), [&](auto r) { answer.set_value(std::move(r)); });
  auto future = answer.get_future();
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "no answer within 10 s";
    return MakeError(Errc::kInternal, "test timeout");
  }
  return future.get();
}

const char* PostgresPort() {
  const char* port = std::getenv("PGPORT");
  if (!port && std::getenv("TEST_REQUIRE_BACKENDS")) ADD_FAILURE() << "PGPORT not set";
  return port;
}

TEST(PgPipeline, ConcurrentQueriesGetTheirOwnRows) {
  const char* port = PostgresPort();
  if (!port) GTEST_SKIP() << "postgres not running";
  OnLoop<PgPipeline> pipeline(ConninfoFor(port), milliseconds(2000));
  PgPipeline& pg = *pipeline;
  constexpr int kThreads = 4, kEach = 250;
  ConcurrentOutcome outcome = SendConcurrently(
      kThreads, kEach, std::chrono::seconds(10), [&](int n, std::function<void(bool)> answered) {
        pg.Query("add_one", "SELECT $1::int + 1, NULL::text", {std::to_string(n)},
                 [answered, n](Result<std::vector<PgPipeline::Row>> rows) {
                   answered(rows && rows->size() == 1 && (*rows)[0][0] == std::to_string(n + 1) &&
                            !(*rows)[0][1].has_value());
                 });
      });
  EXPECT_EQ(outcome.right, kThreads * kEach);
  EXPECT_EQ(outcome.wrong, 0);
}

TEST(PgPipeline, AnErrorFailsOnlyItsQuery) {
  const char* port = PostgresPort();
  if (!port) GTEST_SKIP() << "postgres not running";
  OnLoop<PgPipeline> pipeline(ConninfoFor(port), milliseconds(2000));
  PgPipeline& pg = *pipeline;
  auto divided = QueryAndWait(pg, "divide", "SELECT 10 / $1::int", {"0"});
  ASSERT_FALSE(divided);
  EXPECT_EQ(divided.error().code, Errc::kUnavailable);
  EXPECT_NE(divided.error().reason.find("division by zero"), std::string::npos);
  auto fine = QueryAndWait(pg, "divide", "SELECT 10 / $1::int", {"2"});
  ASSERT_TRUE(fine) << fine.error().reason;
  EXPECT_EQ((*fine)[0][0], "5");
  auto unparsable = QueryAndWait(pg, "broken", "SELEC 1", {});
  ASSERT_FALSE(unparsable);
  auto none = QueryAndWait(pg, "nothing", "SELECT 1 WHERE false", {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(PgPipeline, NothingListeningIsUnavailable) {
  std::string port;
  {
    net::io_context ioc;
    net::ip::tcp::acceptor probe(ioc, {net::ip::make_address("127.0.0.1"), 0});
    port = std::to_string(probe.local_endpoint().port());
  }
  OnLoop<PgPipeline> pipeline(ConninfoFor(port), milliseconds(2000));
  auto r = QueryAndWait(*pipeline, "one", "SELECT 1", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
}

TEST(PgPipeline, ATerminatedBackendFailsTheQueryInFlightAndTheNextOneReconnects) {
  const char* port = PostgresPort();
  if (!port) GTEST_SKIP() << "postgres not running";
  OnLoop<PgPipeline> pipeline(ConninfoFor(port), milliseconds(2000));
  PgPipeline& pg = *pipeline;
  auto pid = QueryAndWait(pg, "pid", "SELECT pg_backend_pid()", {});
  ASSERT_TRUE(pid) << pid.error().reason;
  // A query in flight on that backend when it goes.
  std::promise<Result<std::vector<PgPipeline::Row>>> slow;
  pg.Query("sleep", "SELECT pg_sleep(1.5)", {}, [&](auto r) { slow.set_value(std::move(r)); });
  std::this_thread::sleep_for(milliseconds(200));
  PGconn* admin = PQconnectdb(ConninfoFor(port).c_str());
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK);
  // With a timeout, pg_terminate_backend returns once the backend is gone, not when signalled.
  std::string kill = "SELECT pg_terminate_backend(" + *(*pid)[0][0] + ", 5000)";
  PQclear(PQexec(admin, kill.c_str()));
  PQfinish(admin);
  auto future = slow.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto lost = future.get();
  ASSERT_FALSE(lost) << "the query in flight fails, it does not hang";
  EXPECT_EQ(lost.error().code, Errc::kUnavailable);
  auto back = QueryAndWait(pg, "pid", "SELECT pg_backend_pid()", {});
  ASSERT_TRUE(back) << back.error().reason;
  EXPECT_NE((*back)[0][0], (*pid)[0][0]) << "a new backend";
}

}  // namespace
}  // namespace gatehouse
