#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// RFC 6238 time-based one-time passwords (liboath): 6 digits, 30-second steps counted from
// the Unix epoch, HMAC-SHA-1 unless told otherwise (what authenticator apps use).
enum class TotpHash { kSha1, kSha256, kSha512 };

inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation
inline constexpr int kTotpDigits = 6;
inline constexpr int kTotpStepSeconds = 30;

// A new random secret (raw bytes).
std::string NewTotpSecret();
// RFC 4648 base32 without padding, as authenticator apps take it.
std::string Base32(std::string_view raw);

// The code for `secret` at `unix_seconds` (for tests and tools).
std::string TotpCode(std::string_view secret, std::int64_t unix_seconds,
                     TotpHash hash = TotpHash::kSha1, int digits = kTotpDigits);

// Checks `code` against the steps from `window` before to `window` after the one holding
// `now`. Returns the matching step's counter, which the caller stores: a code whose counter
// is not above `last_accepted` (the counter of the code accepted last) is a replay and is
// refused, even inside the window. nullopt for a wrong, malformed or replayed code.
std::optional<std::uint64_t> VerifyTotp(std::string_view secret, std::string_view code,
                                        std::int64_t now,
                                        std::optional<std::uint64_t> last_accepted, int window = 1,
                                        TotpHash hash = TotpHash::kSha1);

// The otpauth:// URI an authenticator app reads from a QR code, e.g.
// otpauth://totp/Acme:ada%40example.com?secret=…&issuer=Acme&algorithm=SHA1&digits=6&period=30
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace gatehouse
