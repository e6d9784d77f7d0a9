#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

inline constexpr std::size_t kMaxEmailLength = 254;  // RFC 5321 path limit
inline constexpr std::size_t kMaxNameLength = 200;
inline constexpr std::size_t kMaxPasswordLength = 128;  // in characters (code points)

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool IsValidUtf8(std::string_view text);
// Number of Unicode code points in valid UTF-8 `text`.
std::size_t CodePointCount(std::string_view text);

// Trims and lower-cases an e-mail address and checks its shape (local@domain, lengths, no
// spaces or control characters). nullopt when it is not an acceptable address.
std::optional<std::string> NormalizeEmail(std::string_view raw);

// A phone number in E.164 form ("+447700900123"): '+', a country code that does not start
// with 0, 7 to 15 digits in all. Spaces, dots, dashes and parentheses between digits are
// dropped, as people type them. nullopt for anything else (no national formats: the
// country cannot be guessed).
std::optional<std::string> NormalizePhoneNumber(std::string_view raw);

// nullopt when the display name is acceptable (valid UTF-8, no control characters, length).
std::optional<std::string> CheckName(std::string_view name);

}  // namespace gatehouse
