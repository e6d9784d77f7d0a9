// Rendering the hosted pages, without the network: the sign-in page as a first visit sees it,
// and the account center with ten sessions. Counters: the HTML's bytes, and the bytes of
// everything else the page loads (stylesheets, icon), i.e. its transfer size without images.
#include <benchmark/benchmark.h>

#include "config/config.hpp"
#include "http/message.hpp"
#include "ui/page_renderer.hpp"

namespace gatehouse {
namespace {

double AssetBytes(const PageRenderer& renderer) {
  double bytes = 0;
  for (const char* file : {"gatehouse.css", "theme.css", "icon.svg"}) {
    bytes += static_cast<double>(renderer.Asset(file).body.size());
  }
  return bytes;
}

void BM_RenderSignInPage(benchmark::State& state) {
  Config config = LoadConfig("", {});
  PageRenderer renderer(config);
  Request request;
  request.headers = {{"accept-language", "de-DE,de;q=0.9,en;q=0.8"},
                     {"cookie", "__Host-gh_csrf=Ed07gBgd9odBHSRcwTiiFFwCxTUjlpbZ6IOrauOqYOA"}};
  std::size_t bytes = 0;
  for (auto _ : state) {
    Response r = renderer.Render(request, Page{.name = "sign_in", .title_key = "sign_in.title"});
    bytes = r.body.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["html_bytes"] = static_cast<double>(bytes);
  state.counters["asset_bytes"] = AssetBytes(renderer);
}
BENCHMARK(BM_RenderSignInPage)->Unit(benchmark::kMicrosecond);

void BM_RenderAccountPage(benchmark::State& state) {
  Config config = LoadConfig("", {});
  PageRenderer renderer(config);
  Request request;
  nlohmann::json sessions = nlohmann::json::array();
  for (int i = 0; i < 10; ++i) {
    sessions.push_back({{"id", "session-" + std::to_string(i)},
                        {"current", i == 0},
                        {"client", "Firefox 133.0 · Ubuntu"},
                        {"place", "London, England, GB"},
                        {"ip", "203.0.113." + std::to_string(i)},
                        {"last_active", "2026-12-01 13:40 UTC"},
                        {"last_active_iso", "2026-12-01T13:40:00Z"},
                        {"signed_in", "2026-11-28 09:12 UTC"},
                        {"signed_in_iso", "2026-11-28T09:12:00Z"}});
  }
  nlohmann::json data = {
      {"user", {{"name", "Ada Lovelace"}, {"email", "ada@example.com"}, {"email_verified", true}}},
      {"sessions", sessions},
      {"has_other_sessions", true}};
  std::size_t bytes = 0;
  for (auto _ : state) {
    Page page{.name = "account", .title_key = "account.title", .data = data, .csrf = "token"};
    Response r = renderer.Render(request, std::move(page));
    bytes = r.body.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["html_bytes"] = static_cast<double>(bytes);
  state.counters["asset_bytes"] = AssetBytes(renderer);
}
BENCHMARK(BM_RenderAccountPage)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace gatehouse
