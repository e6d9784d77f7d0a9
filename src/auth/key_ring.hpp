#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "crypto/signing_key.hpp"
#include "store/database.hpp"

namespace gatehouse {

// The signing keys: an active key for each asymmetric algorithm (EdDSA, ES256, RS256 — access
// tokens use the configured one, ID tokens the one their client asks for, RS256 by default),
// the HS256 secret when that is configured, and every key still published in the JWKS (a
// rotated-out key stays until the tokens it signed have expired). Keys live in the database so
// every instance signs and verifies with the same set. Thread-safe; readers never block on a
// reload.
class KeyRing {
 public:
  KeyRing(Database& db, const TokenConfig& config, const Clock& clock);

  // Loads the keys; creates the active key of any asymmetric algorithm that has none (on first
  // start, or after an upgrade that added an algorithm).
  Status Load();
  // Re-reads the keys, picking up a rotation made by another process.
  Status Reload() { return Load(); }

  JwsAlgorithm algorithm() const { return algorithm_; }
  // The key that signs access and refresh tokens (tokens.algorithm).
  std::shared_ptr<const SigningKey> Signer() const;
  // The active key of an asymmetric algorithm (nullptr for HS256).
  std::shared_ptr<const SigningKey> SignerFor(JwsAlgorithm algorithm) const;
  std::shared_ptr<const SigningKey> Find(std::string_view kid) const;
  // Like Find, but an unknown kid first reloads the keys from the database (at most once a
  // second, so made-up kids cannot hammer it): another instance may have just made or
  // rotated a key.
  std::shared_ptr<const SigningKey> FindOrReload(std::string_view kid);
  // The JWKS document, rebuilt on each load.
  std::shared_ptr<const std::string> JwksJson() const;

  // Adds a new key for each asymmetric algorithm and retires the previous ones, which stay
  // published for the longest token lifetime plus leeway. Returns the new kids, the configured
  // algorithm's first.
  static Result<std::vector<std::string>> Rotate(Database& db, const TokenConfig& config,
                                                 const Clock& clock);

 private:
  struct Snapshot {
    std::shared_ptr<const SigningKey> signer;
    std::vector<std::shared_ptr<const SigningKey>> active;  // one per asymmetric algorithm
    std::vector<std::shared_ptr<const SigningKey>> published;
    std::shared_ptr<const std::string> jwks;
  };

  Database& db_;
  const TokenConfig& config_;
  const Clock& clock_;
  JwsAlgorithm algorithm_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::atomic<std::int64_t> last_reload_ms_{0};  // steady clock
};

}  // namespace gatehouse
