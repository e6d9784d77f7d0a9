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
  auto records = db_.Transaction<std::vector<SigningKeyRecord>>(
      [&](Connection& sql) -> Result<std::vector<SigningKeyRecord>> {
        // Instances starting together must not each make a "first" key.
        db_.SerialiseOn(sql, kKeyCreationLock);
        auto keys = key_store::ListPublished(sql, clock_.NowSeconds());
        bool created = false;
        for (JwsAlgorithm alg : kAsymmetricAlgorithms) {
          std::string name(AlgorithmName(alg));
          bool has_active = std::any_of(keys.begin(), keys.end(), [&](const auto& k) {
            return k.algorithm == name && !k.retired_at;
          });
          if (has_active) continue;
          auto fresh = SigningKey::Generate(alg);
          key_store::Insert(sql, RecordFor(*fresh, clock_.NowSeconds()));
          spdlog::info("created signing key {} ({})", fresh->kid(), name);
          created = true;
        }
        if (created) keys = key_store::ListPublished(sql, clock_.NowSeconds());
        return keys;
      });
  if (!records) return records.error();
  for (const auto& record : *records) {
    auto alg = ParseAlgorithm(record.algorithm);
    if (!alg) continue;  // a key of an algorithm this build does not know
    auto key = SigningKey::FromPrivatePem(record.kid, *alg, record.private_pem);
    if (!key) return key.error();
    snapshot->published.push_back(*key);
    // Newest first: the first active key of each algorithm signs.
    bool first_of_its_algorithm =
        std::none_of(snapshot->active.begin(), snapshot->active.end(),
                     [&](const auto& k) { return k->algorithm() == *alg; });
    if (!record.retired_at && first_of_its_algorithm) snapshot->active.push_back(*key);
  }
  if (algorithm_ == JwsAlgorithm::kHS256) {
    // A shared secret from config; never published. The kid names the secret without
    // revealing it.
    snapshot->signer = SigningKey::FromSecret("hs-" + Sha256Hex(config_.hs256_secret).substr(0, 12),
                                              config_.hs256_secret);
    snapshot->published.push_back(snapshot->signer);
  } else {
    for (const auto& key : snapshot->active) {
      if (key->algorithm() == algorithm_) snapshot->signer = key;
    }
  }
  if (!snapshot->signer || snapshot->active.size() != std::size(kAsymmetricAlgorithms)) {
    return MakeError(Errc::kInternal, "no active signing key");
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

std::shared_ptr<const SigningKey> KeyRing::SignerFor(JwsAlgorithm algorithm) const {
  std::lock_guard lock(mutex_);
  for (const auto& key : snapshot_->active) {
    if (key->algorithm() == algorithm) return key;
  }
  return nullptr;
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

Result<std::vector<std::string>> KeyRing::Rotate(Database& db, const TokenConfig& config,
                                                 const Clock& clock) {
  std::vector<std::shared_ptr<SigningKey>> fresh;
  auto configured = ParseAlgorithm(config.algorithm);
  for (JwsAlgorithm alg : kAsymmetricAlgorithms) {
    auto key = SigningKey::Generate(alg);
    fresh.insert(configured && alg == *configured ? fresh.begin() : fresh.end(), key);
  }
  std::int64_t now = clock.NowSeconds();
  auto done = db.Transaction<Ok>([&](Connection& sql) -> Status {
    for (const auto& key : fresh) {
      key_store::Insert(sql, RecordFor(*key, now));
      key_store::RetireOthers(sql, std::string(AlgorithmName(key->algorithm())), key->kid(), now,
                              now + LongestTokenLifetime(config));
    }
    return Ok{};
  });
  if (!done) return done.error();
  std::vector<std::string> kids;
  for (const auto& key : fresh) kids.push_back(key->kid());
  return kids;
}

}  // namespace gatehouse
