#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// Must run once before any other function here (and before threads start).
void InitCrypto();

// `n` bytes from the operating system's CSPRNG (libsodium).
std::string RandomBytes(std::size_t n);

// A URL-safe random token carrying `bytes` bytes of entropy (base64url, no padding).
std::string RandomToken(std::size_t bytes = 32);

// A RandomToken that does not begin with '-': an id people type as a command-line argument
// (`gatehouse client delete ID`), where a leading dash reads as an option (one random token
// in 64 began with one).
std::string RandomId(std::size_t bytes = 16);

// A row id that sorts by creation time: 12 hex digits of the Unix time in milliseconds, then
// RandomToken(random_bytes). A B-tree index appends such ids at its right edge (as UUIDv7 ids
// are) instead of scattering them over all its pages: each insert then dirties a page that
// is hot already, and a WAL checkpoint copies a few pages where random ids made it copy one
// per insert.
std::string TimeOrderedId(std::size_t random_bytes = 16);
// The same for a given time, `unix_millis`.
std::string TimeOrderedIdAt(std::int64_t unix_millis, std::size_t random_bytes = 16);
// What ids made at `unix_millis` begin with: every id made then or later sorts at or after
// it, every id made before sorts before it (a bound for ranges of time over such ids).
std::string TimeOrderedIdBound(std::int64_t unix_millis);

// A random string of `n` decimal digits, uniformly distributed (no modulo bias).
std::string RandomDigits(std::size_t n);

// A random UUIDv4 string, for resource ids.
std::string RandomUuid();

// Standard base64 with padding (RFC 4648 §4), for MIME and HTTP Basic credentials.
std::string Base64Encode(std::string_view bytes);
// nullopt for anything that is not canonical padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::string_view bytes);
// nullopt for anything that is not canonical unpadded base64url.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// The SHA-256 digest of `data` (32 bytes).
std::string Sha256(std::string_view data);

// Lower-case hex SHA-256 of `data`: how one-time tokens are stored (they carry >= 128 bits).
std::string Sha256Hex(std::string_view data);

// Constant-time comparison: a timing difference would reveal how much of a secret matched.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace gatehouse
