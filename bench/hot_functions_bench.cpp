// Micro-benchmarks of the functions on every request's path.
#include <benchmark/benchmark.h>

#include <thread>
#include <vector>

#include "cache/memory/memory_cache.hpp"
#include "config/config.hpp"
#include "crypto/jwt.hpp"
#include "crypto/password_hasher.hpp"
#include "crypto/random.hpp"
#include "http/router.hpp"

namespace gatehouse {
namespace {

TokenClaims Claims() {
  TokenClaims c;
  c.issuer = "https://auth.example";
  c.audience = "app";
  c.subject = RandomUuid();
  c.session_id = RandomToken(16);
  c.jwt_id = RandomToken(16);
  c.issued_at = 1000;
  c.expires_at = 1900;
  c.amr = {"pwd"};
  c.role = "user";
  return c;
}

std::shared_ptr<SigningKey> KeyFor(JwsAlgorithm alg) {
  InitCrypto();
  return alg == JwsAlgorithm::kHS256 ? SigningKey::FromSecret("hs", RandomBytes(32))
                                     : SigningKey::Generate(alg);
}

void BM_SignJwt(benchmark::State& state) {
  auto key = KeyFor(static_cast<JwsAlgorithm>(state.range(0)));
  TokenClaims claims = Claims();
  for (auto _ : state) benchmark::DoNotOptimize(SignJwt(*key, kAccessTokenType, claims));
  state.SetLabel(std::string(AlgorithmName(key->algorithm())));
}
BENCHMARK(BM_SignJwt)->Arg(0)->Arg(1)->Arg(2);

void BM_VerifyJwt(benchmark::State& state) {
  auto key = KeyFor(static_cast<JwsAlgorithm>(state.range(0)));
  std::string token = SignJwt(*key, kAccessTokenType, Claims());
  KeyLookup lookup = [&](std::string_view) -> std::shared_ptr<const SigningKey> { return key; };
  JwtExpectations expect{
      key->algorithm(), kAccessTokenType, "https://auth.example", "app", 1500, 0};
  for (auto _ : state) {
    auto claims = VerifyJwt(token, lookup, expect);
    if (!claims) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(claims);
  }
  state.SetLabel(std::string(AlgorithmName(key->algorithm())));
}
BENCHMARK(BM_VerifyJwt)->Arg(0)->Arg(1)->Arg(2);

void BM_MemoryCacheGetHit(benchmark::State& state) {
  SystemClock clock;
  MemoryCache cache(clock, 64 << 20);
  std::vector<std::string> keys;
  for (int i = 0; i < 10000; ++i) {
    keys.push_back(RandomToken(16));
    (void)cache.Set(keys.back(), R"({"type":"access","sibling_id":"x","sid":"s","sub":"u"})",
                    std::chrono::seconds(900));
  }
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(cache.Get(keys[i++ % keys.size()]));
}
BENCHMARK(BM_MemoryCacheGetHit)->Threads(1)->Threads(2);

void BM_RouterFind(benchmark::State& state) {
  Router router;
  Handler h = [](const Request&, const PathParams&) { return Response(); };
  for (const char* p :
       {"/v1/auth/register", "/v1/auth/verify-email", "/v1/auth/verify-email/resend",
        "/v1/auth/login", "/v1/auth/refresh", "/v1/auth/logout", "/v1/me", "/v1/me/sessions",
        "/v1/me/sessions/{session_id}", "/healthz", "/readyz", "/.well-known/jwks.json"}) {
    router.Add("GET", p, h);
  }
  for (auto _ : state) benchmark::DoNotOptimize(router.Find("GET", "/v1/me/sessions/abc"));
}
BENCHMARK(BM_RouterFind);

// The Argon2id pool alone, as login uses it: the configured parameters and pool threads, each
// iteration 4 verifications asked for at once (as the login bench's 4 connections do).
// items_per_second is the ceiling of logins/s that bench/run.sh compares the login path with.
void BM_PasswordHashPool(benchmark::State& state) {
  InitCrypto();  // sodium_init picks the SIMD Argon2 the server uses
  const PasswordHashConfig c = LoadConfig("", {}).password_hash;  // the server's defaults
  PasswordHasher hasher(c.threads, static_cast<std::size_t>(c.queue_limit), c.opslimit,
                        c.memlimit_kib);
  const std::string password = "quiet lantern over the harbour";
  const std::string encoded = *hasher.Hash(password);
  constexpr int kCallers = 4;
  for (auto _ : state) {
    std::vector<std::thread> callers;
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&] { benchmark::DoNotOptimize(hasher.Verify(password, encoded)); });
    }
    for (auto& caller : callers) caller.join();
  }
  state.SetItemsProcessed(state.iterations() * kCallers);
  state.SetLabel(std::to_string(c.threads) + " pool threads");
}
BENCHMARK(BM_PasswordHashPool)->UseRealTime()->MinTime(3.0)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gatehouse

BENCHMARK_MAIN();
