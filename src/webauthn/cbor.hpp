#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// A CBOR data item (RFC 8949) of the kinds WebAuthn uses: integers, byte and text strings,
// arrays, maps, booleans and null.
//
// Our own reader rather than Debian's libcbor 0.8, which preallocates what a container's
// header claims: a 6-byte input (an array "of 2^26 items") made cbor_load take 512 MiB and
// 0.58 s here. This one refuses a length longer than the bytes that remain and inputs over
// 64 KiB, so an item never holds more values than its input has bytes.
struct CborEntry;

struct CborValue {
  enum class Kind { kInteger, kBytes, kText, kArray, kMap, kBool, kNull };

  Kind kind = Kind::kNull;
  std::int64_t integer = 0;  // kInteger
  bool boolean = false;      // kBool
  std::string bytes;         // kBytes and kText (UTF-8, unchecked)
  std::vector<CborValue> items;
  std::vector<CborEntry> entries;  // kMap, in their order

  // The value of a map entry whose key is this integer or text; nullptr when absent (or when
  // this is no map).
  const CborValue* Find(std::int64_t key) const;
  const CborValue* Find(std::string_view key) const;
  bool IsInteger() const { return kind == Kind::kInteger; }
  bool IsBytes() const { return kind == Kind::kBytes; }
  bool IsText() const { return kind == Kind::kText; }
  bool IsMap() const { return kind == Kind::kMap; }
};

struct CborEntry {
  CborValue key;
  CborValue value;
};

// The item at the front of `input`, and how many bytes it took. nullopt for malformed or
// truncated input, and for what WebAuthn never sends: indefinite lengths, tags, floats,
// integers beyond 64-bit signed, repeated map keys, nesting deeper than 16, over 64 KiB.
struct CborDecoded {
  CborValue value;
  std::size_t length = 0;
};
std::optional<CborDecoded> DecodeCborPrefix(std::string_view input);
// The same for an input that must be exactly one item.
std::optional<CborValue> DecodeCbor(std::string_view input);

}  // namespace gatehouse
