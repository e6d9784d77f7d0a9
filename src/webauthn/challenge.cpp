#include "webauthn/challenge.hpp"

#include "crypto/random.hpp"
#include "webauthn/big_endian.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kExpiryBytes = 8;
constexpr std::size_t kMacHex = 32;  // 128 bits of the keyed hash, in hex

}  // namespace

std::string ChallengeIssuer::Mac(std::string_view purpose, std::string_view binding,
                                 std::string_view nonce_and_expiry) const {
  // Lengths first, so that no two (purpose, binding) pairs run together the same way.
  std::string input = "webauthn-challenge\n" + std::to_string(purpose.size()) + ":" +
                      std::string(purpose) + std::to_string(binding.size()) + ":" +
                      std::string(binding) + std::string(nonce_and_expiry);
  return box_.KeyedHash(input).substr(0, kMacHex);
}

std::string ChallengeIssuer::Issue(std::string_view purpose, std::string_view binding,
                                   std::int64_t now) const {
  std::string body =
      RandomBytes(kNonceBytes) +
      WriteBigEndian(static_cast<std::uint64_t>(now + kLifetimeSeconds), kExpiryBytes);
  return body + Mac(purpose, binding, body);
}

std::optional<std::string> ChallengeIssuer::Check(std::string_view challenge,
                                                  std::string_view purpose,
                                                  std::string_view binding,
                                                  std::int64_t now) const {
  if (challenge.size() != kNonceBytes + kExpiryBytes + kMacHex) return std::nullopt;
  std::string_view body = challenge.substr(0, kNonceBytes + kExpiryBytes);
  if (!ConstantTimeEquals(Mac(purpose, binding, body), challenge.substr(body.size()))) {
    return std::nullopt;
  }
  if (static_cast<std::int64_t>(ReadBigEndian(body.substr(kNonceBytes))) <= now)
    return std::nullopt;
  return std::string(body.substr(0, kNonceBytes));
}

}  // namespace gatehouse
