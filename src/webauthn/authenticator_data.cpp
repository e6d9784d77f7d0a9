#include "webauthn/authenticator_data.hpp"

#include "webauthn/big_endian.hpp"

#include "webauthn/cbor.hpp"

namespace gatehouse {
namespace {

// Flags (§6.1): user present, user verified, backup eligible, backed up, attested credential
// data included, extensions included.
constexpr unsigned kUp = 0x01, kUv = 0x04, kBe = 0x08, kBs = 0x10, kAt = 0x40, kEd = 0x80;
constexpr std::size_t kHeader = 32 + 1 + 4;  // rpIdHash, flags, signCount
constexpr std::size_t kMaxCredentialId = 1023;

// One CBOR map at the front of `rest`; its length, or nullopt.
std::optional<std::size_t> MapPrefix(std::string_view rest) {
  auto decoded = DecodeCborPrefix(rest);
  if (!decoded || !decoded->value.IsMap()) return std::nullopt;
  return decoded->length;
}

}  // namespace

std::optional<AuthenticatorData> ParseAuthenticatorData(std::string_view bytes) {
  if (bytes.size() < kHeader) return std::nullopt;
  AuthenticatorData data;
  data.rp_id_hash = std::string(bytes.substr(0, 32));
  auto flags = static_cast<unsigned char>(bytes[32]);
  data.user_present = flags & kUp;
  data.user_verified = flags & kUv;
  data.backup_eligible = flags & kBe;
  data.backed_up = flags & kBs;
  if (data.backed_up && !data.backup_eligible) return std::nullopt;  // §6.1.3
  data.sign_count = static_cast<std::uint32_t>(ReadBigEndian(bytes.substr(33, 4)));
  std::string_view rest = bytes.substr(kHeader);
  if (flags & kAt) {
    if (rest.size() < 18) return std::nullopt;
    AttestedCredential credential;
    credential.aaguid = std::string(rest.substr(0, 16));
    std::size_t id_length = ReadBigEndian(rest.substr(16, 2));
    rest.remove_prefix(18);
    if (id_length > kMaxCredentialId || id_length > rest.size()) return std::nullopt;
    credential.credential_id = std::string(rest.substr(0, id_length));
    rest.remove_prefix(id_length);
    auto key_length = MapPrefix(rest);
    if (!key_length) return std::nullopt;
    credential.public_key = std::string(rest.substr(0, *key_length));
    rest.remove_prefix(*key_length);
    data.attested = std::move(credential);
  }
  if (flags & kEd) {
    auto extensions_length = MapPrefix(rest);
    if (!extensions_length) return std::nullopt;
    rest.remove_prefix(*extensions_length);
  }
  if (!rest.empty()) return std::nullopt;
  return data;
}

}  // namespace gatehouse
