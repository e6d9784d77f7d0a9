#include "webauthn/challenge.hpp"

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kExpiryBytes = 8;
constexpr std::size_t kMacHex = 32;  // 128 bits of the keyed hash, in hex

std::string BigEndian64(std::int64_t value) {
  std::string out(kExpiryBytes, '\0');
  auto bits = static_cast<std::uint64_t>(value);
  for (std::size_t i = 0; i < kExpiryBytes; ++i) {
    out[kExpiryBytes - 1 - i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  }
  return out;
}

std::int64_t ReadBigEndian64(std::string_view bytes) {
  std::uint64_t bits = 0;
  for (char c : bytes) bits = (bits << 8) | static_cast<unsigned char>(c);
  return static_cast<std::int64_t>(bits);
}

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
  std::string body = RandomBytes(kNonceBytes) + BigEndian64(now + kLifetimeSeconds);
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
  if (ReadBigEndian64(body.substr(kNonceBytes)) <= now) return std::nullopt;
  return std::string(body.substr(0, kNonceBytes));
}

}  // namespace gatehouse
