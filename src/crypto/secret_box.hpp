#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// Encrypts small secrets for storage (TOTP seeds), so a copy of the database alone does not
// give them away: libsodium's secretbox (XSalsa20-Poly1305, a random nonce per message)
// under a 256-bit key kept outside the database. Sealed text is "sb1." + base64url(nonce ||
// ciphertext); tampering or a wrong key makes Open fail. Also hashes short codes under a key
// derived from the same one (KeyedHash). Thread-safe.
class SecretBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // `key`: exactly kKeyBytes raw bytes; throws std::invalid_argument otherwise.
  explicit SecretBox(std::string key);
  ~SecretBox();
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;

  std::string Seal(std::string_view plaintext) const;
  std::optional<std::string> Open(std::string_view sealed) const;

  // Hex of a keyed BLAKE2b-256 of `data`: how 6-digit codes are stored. A plain hash of a
  // million possible codes is reversed in a blink; without the key a copy of the database
  // cannot test a single guess.
  std::string KeyedHash(std::string_view data) const;

 private:
  std::string key_;
  std::string hash_key_;  // derived from key_ (crypto_kdf), so the two uses stay apart
};

// The raw key in `path` (base64 of kKeyBytes bytes, surrounding whitespace ignored). When
// the file does not exist and `create_if_missing`, writes a new random key there (mode 0600).
// Throws std::runtime_error naming the file when it cannot be read, written or decoded.
std::string LoadOrCreateKeyFile(const std::string& path, bool create_if_missing);

}  // namespace gatehouse
