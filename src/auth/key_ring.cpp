#include "auth/key_ring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "crypto/random.hpp"
#include "store/key_store.hpp"

namespace gatehouse {
namespace {

constexpr std::int64_t kKeyCreationLock = 4711004;

std::int64_t LongestTokenLifetime(const TokenConfig& c) {
  return std::max(c.refresh_ttl_seconds, c.remember_refresh_ttl_seconds) + c.leeway_seconds;
}

SigningKeyRecord RecordFor(const SigningKey& key, std::int64_t now) {
  SigningKeyRecord record;
  record.kid = key.kid();
  record.algorithm = std::string(AlgorithmName(key.algorithm()));
  record.private_pem = key.PrivatePem();
  record.created_at = now;
  return record;
}

}  // namespace

KeyRing::KeyRing(Database& db, const TokenConfig& config, const Clock& clock)
    : db_(db),
      config_(config),
      clock_(clock),
      algorithm_(ParseAlgorithm(config.algorithm).value()) {}

Status KeyRing::Load() {
  auto snapshot = std::make_shared<Snapshot>();
  if (algorithm_ == JwsAlgorithm::kHS256) {
    // A shared secret from config; nothing to publish. The kid names the secret without
    // revealing it.
    snapshot->signer = SigningKey::FromSecret("hs-" + Sha256Hex(config_.hs256_secret).substr(0, 12),
                                              config_.hs256_secret);
    snapshot->published.push_back(snapshot->signer);
  } else {
    std::string alg_name(AlgorithmName(algorithm_));
    auto records = db_.Transaction<std::vector<SigningKeyRecord>>(
        [&](Connection& sql) -> Result<std::vector<SigningKeyRecord>> {
          // Instances starting together must not each make a "first" key.
          db_.SerialiseOn(sql, kKeyCreationLock);
          auto keys = key_store::ListPublished(sql, clock_.NowSeconds());
          bool has_signer = std::any_of(keys.begin(), keys.end(), [&](const auto& k) {
            return k.algorithm == alg_name && !k.retired_at;
          });
          if (!has_signer) {
            auto fresh = SigningKey::Generate(algorithm_);
            key_store::Insert(sql, RecordFor(*fresh, clock_.NowSeconds()));
            spdlog::info("created signing key {} ({})", fresh->kid(), alg_name);
            keys = key_store::ListPublished(sql, clock_.NowSeconds());
          }
          return keys;
        });
    if (!records) return records.error();
    for (const auto& record : *records) {
      auto alg = ParseAlgorithm(record.algorithm);
      if (!alg) continue;  // a key of an algorithm this build does not know
      auto key = SigningKey::FromPrivatePem(record.kid, *alg, record.private_pem);
      if (!key) return key.error();
      snapshot->published.push_back(*key);
      // Newest first: the first active key of our algorithm signs.
      if (!snapshot->signer && *alg == algorithm_ && !record.retired_at) snapshot->signer = *key;
    }
    if (!snapshot->signer) return MakeError(Errc::kInternal, "no active signing key");
  }
  std::string jwks = R"({"keys":[)";
  bool first = true;
  for (const auto& key : snapshot->published) {
    std::string jwk = key->PublicJwkJson();
    if (jwk.empty()) continue;
    jwks += (first ? "" : ",") + jwk;
    first = false;
  }
  jwks += "]}";
  snapshot->jwks = std::make_shared<const std::string>(std::move(jwks));
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(snapshot);
  return Ok{};
}

std::shared_ptr<const SigningKey> KeyRing::Signer() const {
  std::lock_guard lock(mutex_);
  return snapshot_->signer;
}

std::shared_ptr<const SigningKey> KeyRing::Find(std::string_view kid) const {
  std::shared_ptr<const Snapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot = snapshot_;
  }
  for (const auto& key : snapshot->published) {
    if (key->kid() == kid) return key;
  }
  return nullptr;
}

std::shared_ptr<const SigningKey> KeyRing::FindOrReload(std::string_view kid) {
  if (auto key = Find(kid)) return key;
  std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
  std::int64_t last = last_reload_ms_.load();
  if (now_ms - last < 1000 || !last_reload_ms_.compare_exchange_strong(last, now_ms)) {
    return nullptr;
  }
  if (Status reloaded = Load(); !reloaded) {
    spdlog::warn("key reload failed: {}", reloaded.error().reason);
    return nullptr;
  }
  return Find(kid);
}

std::shared_ptr<const std::string> KeyRing::JwksJson() const {
  std::lock_guard lock(mutex_);
  return snapshot_->jwks;
}

Result<std::string> KeyRing::Rotate(Database& db, const TokenConfig& config, const Clock& clock) {
  auto alg = ParseAlgorithm(config.algorithm);
  if (!alg || *alg == JwsAlgorithm::kHS256) {
    return MakeError(Errc::kInvalidRequest,
                     "HS256 keys come from tokens.hs256_secret: change the secret to rotate");
  }
  auto fresh = SigningKey::Generate(*alg);
  std::int64_t now = clock.NowSeconds();
  auto done = db.Transaction<Ok>([&](Connection& sql) -> Status {
    key_store::Insert(sql, RecordFor(*fresh, now));
    key_store::RetireOthers(sql, config.algorithm, fresh->kid(), now,
                            now + LongestTokenLifetime(config));
    return Ok{};
  });
  if (!done) return done.error();
  return fresh->kid();
}

}  // namespace gatehouse
