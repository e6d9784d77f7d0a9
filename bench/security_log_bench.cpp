// What one security log event costs the process, whichever thread pays it: the caller's part
// (its id, the user agent parsed, the JSON log line written) and the EventWriter's (its share of
// a batched insert into a real SQLite file), in process CPU time per event. A passkey sign-in,
// which records one event (sign_in.succeeded), costs about 280 µs of CPU in bench/run.sh: the
// event's share is this time over that.
#include <benchmark/benchmark.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "agent/user_agent_parser.hpp"
#include "auth/security_log.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "crypto/random.hpp"
#include "geo/geoip.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

namespace gatehouse {
namespace {

void BM_SecurityEventRecorded(benchmark::State& state) {
  InitCrypto();
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gh-bench-" + RandomToken(8));
  std::filesystem::create_directories(dir);
  DatabaseConfig config = DefaultConfig().database;
  config.url = "sqlite://" + (dir / "events.db").string();
  config.pool_size = 4;
  {
    Database db(config);
    if (!ApplyMigrations(db)) {
      state.SkipWithError("migrations failed");
      return;
    }
    // As the server has it: one JSON line per event, to a file here (stderr there).
    auto logger = std::make_shared<spdlog::logger>(
        "security", std::make_shared<spdlog::sinks::basic_file_sink_mt>((dir / "log").string()));
    logger->set_pattern("%v");
    spdlog::register_logger(logger);
    SystemClock clock;
    GeoIp geo("");
    UserAgentParser agents("");
    {
      SecurityLog log(db, geo, agents, clock);
      SecurityEvent event{SecurityEventType::kSignInSucceeded,
                          "0190f2c4-8a3b-7d2e-9c41-5b6a7e8f9a0b",
                          "01a23c8b8a2fzSwg-4mZaLNPSZfAg8TRoA",
                          "",
                          {"203.0.113.9",
                           "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                           "Gecko) Chrome/131.0.0.0 Safari/537.36"},
                          {{"amr", {"webauthn", "mfa"}}, {"remember_me", false}}};
      for (auto _ : state) log.Record(event);
      log.Flush();  // the writer's share, inside the measured time
    }
    spdlog::drop("security");
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SecurityEventRecorded)
    ->MeasureProcessCPUTime()
    ->Iterations(200000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace gatehouse
