// The passkey sign-in's own work: verifying an assertion (client data, authenticator data,
// the stored COSE key and the signature) for each algorithm a credential may use.
#include <benchmark/benchmark.h>

#include "webauthn/ceremony.hpp"
#include "webauthn/cose_key.hpp"
#include "webauthn/software_key.hpp"

namespace gatehouse {
namespace {

void BM_VerifyAssertion(benchmark::State& state) {
  InitCrypto();
  const JwsAlgorithm alg = kAsymmetricAlgorithms[state.range(0)];
  auto key = SigningKey::Generate(alg);
  const RelyingParty rp{"auth.example.com", {"https://auth.example.com"}};
  const std::string challenge = RandomBytes(32);
  const std::string client = R"({"type":"webauthn.get","challenge":")" +
                             Base64UrlEncode(challenge) +
                             R"(","origin":"https://auth.example.com","crossOrigin":false})";
  std::string data = Sha256(rp.id) + std::string("\x05\x00\x00\x00\x02", 5);  // UP, UV, count 2
  std::string signature = key->Sign(data + Sha256(client));
  if (alg == JwsAlgorithm::kES256) signature = testing::Der(signature);
  // The key parsed once, as the server's cache of parsed passkeys has it.
  const std::string cose = testing::CoseOf(*key);
  const KnownCredential known{cose, 1, false, *CoseKeyToSigningKey(cose)};
  for (auto _ : state) {
    auto verified = VerifyAssertion(rp, {challenge, true}, known, client, data, signature);
    if (!verified) state.SkipWithError(verified.error().reason.c_str());
    benchmark::DoNotOptimize(verified);
  }
  state.SetLabel(std::string(AlgorithmName(alg)));
}
BENCHMARK(BM_VerifyAssertion)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace gatehouse
