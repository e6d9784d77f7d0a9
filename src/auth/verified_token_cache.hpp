#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/jwt.hpp"

namespace gatehouse {

// Remembers the claims of access tokens whose signature and header already verified, so a
// client presenting the same token again skips the signature check (Ed25519 verify is most of
// a token check's CPU). Keyed by SHA-256 of the exact token bytes, so only an identical token
// hits. Expiry and the revocation whitelist are still checked on every request by the caller.
// Bounded: a full shard is emptied. Thread-safe.
class VerifiedTokenCache {
 public:
  explicit VerifiedTokenCache(std::size_t max_entries);

  std::optional<TokenClaims> Find(std::string_view token) const;
  void Remember(std::string_view token, const TokenClaims& claims);

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, TokenClaims> entries;
  };
  static std::string KeyOf(std::string_view token);
  Shard& ShardFor(const std::string& key) const;

  const std::size_t max_per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace gatehouse
