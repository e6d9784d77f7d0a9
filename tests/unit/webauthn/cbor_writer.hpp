#pragma once

// Test support: writes the CBOR a software authenticator sends (definite lengths, shortest
// arguments), for building attestation objects, COSE keys and malformed variants of them.
#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::testing {

inline std::string CborHead(int major, std::uint64_t argument) {
  std::string out;
  auto initial = [&](int info) { out += static_cast<char>((major << 5) | info); };
  auto bytes = [&](int count) {
    for (int i = count - 1; i >= 0; --i) out += static_cast<char>((argument >> (8 * i)) & 0xff);
  };
  if (argument < 24) {
    initial(static_cast<int>(argument));
  } else if (argument <= 0xff) {
    initial(24), bytes(1);
  } else if (argument <= 0xffff) {
    initial(25), bytes(2);
  } else if (argument <= 0xffffffff) {
    initial(26), bytes(4);
  } else {
    initial(27), bytes(8);
  }
  return out;
}

inline std::string CborInt(std::int64_t value) {
  return value >= 0 ? CborHead(0, static_cast<std::uint64_t>(value))
                    : CborHead(1, static_cast<std::uint64_t>(-1 - value));
}
inline std::string CborBytes(std::string_view bytes) {
  return CborHead(2, bytes.size()) + std::string(bytes);
}
inline std::string CborText(std::string_view text) {
  return CborHead(3, text.size()) + std::string(text);
}
// A map's head; its `pairs` keys and values follow it.
inline std::string CborMap(std::size_t pairs) { return CborHead(5, pairs); }
inline std::string CborArray(std::size_t items) { return CborHead(4, items); }

}  // namespace gatehouse::testing
