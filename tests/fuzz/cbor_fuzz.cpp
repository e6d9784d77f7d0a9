// libFuzzer target: the CBOR reader WebAuthn's attestation objects and COSE keys go through.
// Besides the sanitizers' findings, it fails if a decoded prefix claims more bytes than it
// was given or does not decode the same way on its own.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "webauthn/cbor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto decoded = DecodeCborPrefix(input);
  if (!decoded) return 0;
  if (decoded->length == 0 || decoded->length > size) std::abort();
  auto alone = DecodeCbor(input.substr(0, decoded->length));
  if (!alone || alone->kind != decoded->value.kind) std::abort();
  (void)decoded->value.Find(1);
  (void)decoded->value.Find("fmt");
  return 0;
}
