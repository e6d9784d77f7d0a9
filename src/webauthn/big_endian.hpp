#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse {

// Network byte order, as CBOR, authenticator data and Gatehouse's challenges write numbers.

// The unsigned number `bytes` (at most 8 of them) hold, most significant first.
inline std::uint64_t ReadBigEndian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

// `value` in `width` bytes (at most 8), most significant first.
inline std::string WriteBigEndian(std::uint64_t value, std::size_t width) {
  std::string out(width, '\0');
  for (std::size_t i = 0; i < width; ++i) {
    out[width - 1 - i] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
  return out;
}

}  // namespace gatehouse
