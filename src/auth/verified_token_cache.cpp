#include "auth/verified_token_cache.hpp"

#include <openssl/sha.h>

namespace gatehouse {

VerifiedTokenCache::VerifiedTokenCache(std::size_t max_entries)
    : max_per_shard_(std::max<std::size_t>(1, max_entries / kShards)) {}

std::string VerifiedTokenCache::KeyOf(std::string_view token) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

VerifiedTokenCache::Shard& VerifiedTokenCache::ShardFor(const std::string& key) const {
  return shards_[static_cast<unsigned char>(key[0]) % kShards];
}

std::optional<TokenClaims> VerifiedTokenCache::Find(std::string_view token) const {
  std::string key = KeyOf(token);
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return std::nullopt;
  return it->second;
}

void VerifiedTokenCache::Remember(std::string_view token, const TokenClaims& claims) {
  std::string key = KeyOf(token);
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= max_per_shard_) shard.entries.clear();
  shard.entries.emplace(std::move(key), claims);
}

}  // namespace gatehouse
