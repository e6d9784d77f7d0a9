#include "crypto/secret_box.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kPrefix = "sb1.";
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "ghsecret";
constexpr std::uint64_t kHashKeyId = 1;

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  static_assert(kKeyBytes == crypto_secretbox_KEYBYTES);
  static_assert(kKeyBytes == crypto_kdf_KEYBYTES);
  if (key_.size() != kKeyBytes) {
    throw std::invalid_argument("a secret box key has " + std::to_string(kKeyBytes) + " bytes");
  }
  hash_key_.assign(crypto_generichash_KEYBYTES, '\0');
  crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(hash_key_.data()), hash_key_.size(),
                             kHashKeyId, kKdfContext,
                             reinterpret_cast<const unsigned char*>(key_.data()));
}

SecretBox::~SecretBox() {
  sodium_memzero(key_.data(), key_.size());
  sodium_memzero(hash_key_.data(), hash_key_.size());
}

std::string SecretBox::KeyedHash(std::string_view data) const {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), reinterpret_cast<const unsigned char*>(hash_key_.data()),
                     hash_key_.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return std::string(kPrefix) + Base64UrlEncode(out);
}

std::optional<std::string> SecretBox::Open(std::string_view sealed) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto raw = Base64UrlDecode(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  const std::string& bytes = *raw;
  std::size_t cipher_size = bytes.size() - crypto_secretbox_NONCEBYTES;
  std::string plaintext(cipher_size - crypto_secretbox_MACBYTES, '\0');
  const auto* nonce = reinterpret_cast<const unsigned char*>(bytes.data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, cipher_size, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return std::nullopt;
  }
  return plaintext;
}

std::string LoadOrCreateKeyFile(const std::string& path, bool create_if_missing) {
  if (!std::filesystem::exists(path)) {
    if (!create_if_missing) throw std::runtime_error("key file " + path + " does not exist");
    std::string encoded = Base64UrlEncode(RandomBytes(SecretBox::kKeyBytes)) + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw std::runtime_error("cannot create key file " + path);
    bool written =
        ::write(fd, encoded.data(), encoded.size()) == static_cast<ssize_t>(encoded.size());
    ::close(fd);
    if (!written) throw std::runtime_error("cannot write key file " + path);
    spdlog::warn("created a new MFA key in {}: back it up, and share it between instances", path);
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw std::runtime_error("cannot read key file " + path);
  auto first = text.find_first_not_of(" \t\r\n");
  auto last = text.find_last_not_of(" \t\r\n");
  std::string trimmed = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  auto key = Base64UrlDecode(trimmed);
  if (!key || key->size() != SecretBox::kKeyBytes) {
    throw std::runtime_error("key file " + path + " must hold " +
                             std::to_string(SecretBox::kKeyBytes) + " bytes in base64url");
  }
  return *key;
}

}  // namespace gatehouse
