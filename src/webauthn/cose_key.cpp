#include "webauthn/cose_key.hpp"

namespace gatehouse {
namespace {

// COSE_Key labels (RFC 9052 §7.1, RFC 9053 §7).
constexpr std::int64_t kKty = 1, kAlg = 3, kCrv = -1, kX = -2, kY = -3, kN = -1, kE = -2;
constexpr std::int64_t kKtyOkp = 1, kKtyEc2 = 2, kKtyRsa = 3;
constexpr std::int64_t kCrvP256 = 1, kCrvEd25519 = 6;

std::optional<std::int64_t> IntegerAt(const CborValue& map, std::int64_t label) {
  const CborValue* value = map.Find(label);
  if (!value || !value->IsInteger()) return std::nullopt;
  return value->integer;
}

std::optional<std::string_view> BytesAt(const CborValue& map, std::int64_t label) {
  const CborValue* value = map.Find(label);
  if (!value || !value->IsBytes()) return std::nullopt;
  return std::string_view(value->bytes);
}

}  // namespace

std::optional<std::shared_ptr<SigningKey>> CoseKeyToSigningKey(const CborValue& key) {
  if (!key.IsMap()) return std::nullopt;
  auto kty = IntegerAt(key, kKty);
  auto alg = IntegerAt(key, kAlg);
  if (!kty || !alg) return std::nullopt;
  Result<std::shared_ptr<SigningKey>> made = MakeError(Errc::kValidationFailed, "COSE key");
  if (*alg == kCoseEdDSA && *kty == kKtyOkp) {
    auto x = BytesAt(key, kX);
    if (IntegerAt(key, kCrv) != kCrvEd25519 || !x) return std::nullopt;
    made = SigningKey::FromEd25519Public("", *x);
  } else if (*alg == kCoseES256 && *kty == kKtyEc2) {
    auto x = BytesAt(key, kX);
    auto y = BytesAt(key, kY);
    if (IntegerAt(key, kCrv) != kCrvP256 || !x || !y) return std::nullopt;
    made = SigningKey::FromP256("", *x, *y, "");
  } else if (*alg == kCoseRS256 && *kty == kKtyRsa) {
    auto n = BytesAt(key, kN);
    auto e = BytesAt(key, kE);
    if (!n || !e) return std::nullopt;
    made = SigningKey::FromRsaPublic("", *n, *e);
  }
  if (!made) return std::nullopt;
  return *made;
}

std::optional<std::shared_ptr<SigningKey>> CoseKeyToSigningKey(std::string_view bytes) {
  auto key = DecodeCbor(bytes);
  if (!key) return std::nullopt;
  return CoseKeyToSigningKey(*key);
}

}  // namespace gatehouse
