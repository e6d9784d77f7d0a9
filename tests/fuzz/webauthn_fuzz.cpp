// libFuzzer target: what a browser's WebAuthn response carries besides CBOR — the response
// JSON, authenticator data, client data JSON and COSE public keys — through the parsers that
// read them.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "webauthn/authenticator_data.hpp"
#include "webauthn/client_data.hpp"
#include "webauthn/cose_key.hpp"
#include "webauthn/credential_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto parsed = ParseAuthenticatorData(input)) {
    if (parsed->rp_id_hash.size() != 32) std::abort();
    if (parsed->backed_up && !parsed->backup_eligible) std::abort();
    if (parsed->attested && parsed->attested->credential_id.size() > 1023) std::abort();
    if (parsed->attested) (void)CoseKeyToSigningKey(parsed->attested->public_key);
  }
  (void)ParseClientData(input);
  nlohmann::json json = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded()) {
    if (auto registration = ParseRegistrationResponse(json)) {
      if (registration->credential_id.empty() || registration->credential_id.size() > 1023) {
        std::abort();
      }
    }
    (void)ParseAssertionResponse(json);
  }
  if (auto key = CoseKeyToSigningKey(input)) (void)(*key)->VerifyDer("message", input);
  return 0;
}
