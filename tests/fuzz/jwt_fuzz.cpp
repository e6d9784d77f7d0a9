// libFuzzer target: JWT verification. Two ways in: the input as a compact token against the
// keys of every algorithm (parsing, base64url, header checks, alg confusion), and — since a
// fuzzer cannot forge signatures — the input split into a header and a payload JSON that the
// harness signs with the HS256 key, so claim parsing sees arbitrary JSON too. Any crash,
// leak, sanitizer report or accepted forgery is a finding.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/jwt.hpp"
#include "crypto/random.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kSecret = "fuzzing secret of at least thirty-two bytes";

struct Keys {
  std::shared_ptr<const SigningKey> ed25519, es256, hs256;
};

const Keys& TheKeys() {
  static const Keys keys = [] {
    InitCrypto();
    Keys k;
    k.ed25519 = *SigningKey::FromEd25519Seed("ed", std::string(32, '\x01'));
    k.es256 = SigningKey::Generate(JwsAlgorithm::kES256);
    k.hs256 = SigningKey::FromSecret("hs", kSecret);
    return k;
  }();
  return keys;
}

KeyLookup Lookup() {
  return [](std::string_view kid) -> std::shared_ptr<const SigningKey> {
    const Keys& k = TheKeys();
    if (kid == "ed") return k.ed25519;
    if (kid == k.es256->kid()) return k.es256;
    if (kid == "hs") return k.hs256;
    return nullptr;
  };
}

JwtExpectations Expect(JwsAlgorithm alg) {
  return {alg, kAccessTokenType, "https://issuer.example", "api", 1'700'000'000, 5};
}

std::string HmacSha256(std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

}  // namespace
}  // namespace gatehouse

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  KeyLookup keys = Lookup();
  for (JwsAlgorithm alg : {JwsAlgorithm::kEdDSA, JwsAlgorithm::kES256, JwsAlgorithm::kHS256}) {
    auto claims = VerifyJwt(input, keys, Expect(alg));
    if (claims && alg != JwsAlgorithm::kHS256) std::abort();  // a forged signature passed
  }
  // "<header JSON>\n<payload JSON>", signed here with the HS256 key.
  auto newline = input.find('\n');
  if (newline != std::string_view::npos) {
    std::string signing_input = Base64UrlEncode(input.substr(0, newline)) + "." +
                                Base64UrlEncode(input.substr(newline + 1));
    std::string token = signing_input + "." + Base64UrlEncode(HmacSha256(signing_input));
    (void)VerifyJwt(token, keys, Expect(JwsAlgorithm::kHS256));
    (void)VerifyJwt(token, keys, Expect(JwsAlgorithm::kEdDSA));
  }
  return 0;
}
