#include "crypto/random.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <chrono>
#include <stdexcept>

namespace gatehouse {

void InitCrypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string RandomBytes(std::size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string RandomToken(std::size_t bytes) { return Base64UrlEncode(RandomBytes(bytes)); }

std::string RandomId(std::size_t bytes) {
  std::string id = RandomToken(bytes);
  while (id.front() == '-') id = RandomToken(bytes);  // redrawn whole: the rest stays uniform
  return id;
}

std::string TimeOrderedIdBound(std::int64_t unix_millis) {
  std::string bound(12, '0');
  constexpr std::string_view kHex = "0123456789abcdef";
  for (int i = 11; i >= 0 && unix_millis > 0; --i, unix_millis >>= 4) {
    bound[i] = kHex[unix_millis & 0xf];
  }
  return bound;
}

std::string TimeOrderedIdAt(std::int64_t unix_millis, std::size_t random_bytes) {
  return TimeOrderedIdBound(unix_millis) + RandomToken(random_bytes);
}

std::string TimeOrderedId(std::size_t random_bytes) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return TimeOrderedIdAt(ms, random_bytes);
}

std::string RandomDigits(std::size_t n) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>('0' + randombytes_uniform(10));
  return out;
}

std::string RandomUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[(static_cast<unsigned char>(b[i]) >> 4) & 0xf];
    out += hex[static_cast<unsigned char>(b[i]) & 0xf];
  }
  return out;
}

namespace {
std::string Base64Variant(std::string_view bytes, int variant) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}
}  // namespace

std::string Base64Encode(std::string_view bytes) {
  return Base64Variant(bytes, sodium_base64_VARIANT_ORIGINAL);
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Base64Variant(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

namespace {

// Decodes canonical base64 of `variant` only (no stray bits in the last character), so one
// value has exactly one spelling.
std::optional<std::string> Base64VariantDecode(std::string_view text, int variant) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  if (Base64Variant(out, variant) != text) return std::nullopt;
  return out;
}

}  // namespace

std::optional<std::string> Base64Decode(std::string_view text) {
  return Base64VariantDecode(text, sodium_base64_VARIANT_ORIGINAL);
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  return Base64VariantDecode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string Sha256(std::string_view data) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string Sha256Hex(std::string_view data) {
  std::string digest = Sha256(data);
  char hex[2 * SHA256_DIGEST_LENGTH + 1];
  sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(digest.data()),
                 digest.size());
  return std::string(hex, std::size_t{2} * SHA256_DIGEST_LENGTH);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gatehouse
