#include "webauthn/cbor.hpp"

#include <algorithm>
#include <limits>

#include "webauthn/big_endian.hpp"

namespace gatehouse {
namespace {

constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxInput = 64 * 1024;

class Reader {
 public:
  explicit Reader(std::string_view input) : input_(input) {}
  std::size_t position() const { return position_; }

  std::optional<CborValue> Item(int depth) {
    if (depth > kMaxDepth || position_ >= input_.size()) return std::nullopt;
    auto initial = static_cast<unsigned char>(input_[position_++]);
    int major = initial >> 5;
    int info = initial & 0x1f;
    if (major == 7) return Simple(info);
    auto argument = Argument(info);
    if (!argument) return std::nullopt;
    CborValue value;
    switch (major) {
      case 0:
        if (*argument > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return std::nullopt;
        }
        value.kind = CborValue::Kind::kInteger;
        value.integer = static_cast<std::int64_t>(*argument);
        return value;
      case 1:
        if (*argument > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return std::nullopt;
        }
        value.kind = CborValue::Kind::kInteger;
        value.integer = -1 - static_cast<std::int64_t>(*argument);
        return value;
      case 2:
      case 3:
        if (*argument > Remaining()) return std::nullopt;
        value.kind = major == 2 ? CborValue::Kind::kBytes : CborValue::Kind::kText;
        value.bytes = std::string(input_.substr(position_, *argument));
        position_ += *argument;
        return value;
      case 4:
        // Each item takes at least one byte: a longer claim is a lie, refused before any
        // allocation.
        if (*argument > Remaining()) return std::nullopt;
        value.kind = CborValue::Kind::kArray;
        for (std::uint64_t i = 0; i < *argument; ++i) {
          auto item = Item(depth + 1);
          if (!item) return std::nullopt;
          value.items.push_back(std::move(*item));
        }
        return value;
      case 5:
        if (*argument > Remaining() / 2) return std::nullopt;
        value.kind = CborValue::Kind::kMap;
        for (std::uint64_t i = 0; i < *argument; ++i) {
          auto key = Item(depth + 1);
          if (!key || !(key->IsInteger() || key->IsText())) return std::nullopt;
          if (IsRepeated(value, *key)) return std::nullopt;
          auto entry = Item(depth + 1);
          if (!entry) return std::nullopt;
          value.entries.push_back({std::move(*key), std::move(*entry)});
        }
        return value;
      default: return std::nullopt;  // 6: tags
    }
  }

 private:
  std::size_t Remaining() const { return input_.size() - position_; }

  // The argument that follows the initial byte (RFC 8949 §3). Indefinite lengths (31) and the
  // reserved values (28-30) are refused.
  std::optional<std::uint64_t> Argument(int info) {
    if (info < 24) return static_cast<std::uint64_t>(info);
    if (info > 27) return std::nullopt;
    std::size_t size = std::size_t{1} << (info - 24);  // 1, 2, 4 or 8 bytes
    if (size > Remaining()) return std::nullopt;
    std::uint64_t value = ReadBigEndian(input_.substr(position_, size));
    position_ += size;
    return value;
  }

  static std::optional<CborValue> Simple(int info) {
    CborValue value;
    switch (info) {
      case 20:
      case 21:
        value.kind = CborValue::Kind::kBool;
        value.boolean = info == 21;
        return value;
      case 22: value.kind = CborValue::Kind::kNull; return value;
      default: return std::nullopt;  // undefined, other simple values, floats, break
    }
  }

  static bool IsRepeated(const CborValue& map, const CborValue& key) {
    return std::any_of(map.entries.begin(), map.entries.end(), [&](const auto& entry) {
      return entry.key.kind == key.kind && entry.key.integer == key.integer &&
             entry.key.bytes == key.bytes;
    });
  }

  std::string_view input_;
  std::size_t position_ = 0;
};

}  // namespace

const CborValue* CborValue::Find(std::int64_t key) const {
  for (const CborEntry& entry : entries) {
    if (entry.key.IsInteger() && entry.key.integer == key) return &entry.value;
  }
  return nullptr;
}

const CborValue* CborValue::Find(std::string_view key) const {
  for (const CborEntry& entry : entries) {
    if (entry.key.IsText() && entry.key.bytes == key) return &entry.value;
  }
  return nullptr;
}

std::optional<CborDecoded> DecodeCborPrefix(std::string_view input) {
  if (input.size() > kMaxInput) return std::nullopt;
  Reader reader(input);
  auto value = reader.Item(0);
  if (!value) return std::nullopt;
  return CborDecoded{std::move(*value), reader.position()};
}

std::optional<CborValue> DecodeCbor(std::string_view input) {
  auto decoded = DecodeCborPrefix(input);
  if (!decoded || decoded->length != input.size()) return std::nullopt;
  return std::move(decoded->value);
}

}  // namespace gatehouse
