#include "webhooks/webhook_signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::size_t kSecretBytes = 24;

}  // namespace

std::string NewWebhookSecret() {
  return std::string(kSecretPrefix) + Base64Encode(RandomBytes(kSecretBytes));
}

std::optional<std::string> WebhookSecretBytes(std::string_view secret) {
  if (!secret.starts_with(kSecretPrefix)) return std::nullopt;
  auto bytes = Base64Decode(secret.substr(kSecretPrefix.size()));
  if (!bytes || bytes->empty()) return std::nullopt;
  return bytes;
}

std::string WebhookSignature(std::string_view secret_bytes, std::string_view message_id,
                             std::int64_t timestamp, std::string_view body) {
  std::string signed_content;
  signed_content.reserve(message_id.size() + body.size() + 24);
  signed_content.append(message_id).append(".").append(std::to_string(timestamp)).append(".");
  signed_content.append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), secret_bytes.data(), static_cast<int>(secret_bytes.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), mac,
       &mac_size);
  return "v1," + Base64Encode(std::string_view(reinterpret_cast<const char*>(mac), mac_size));
}

}  // namespace gatehouse
