#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gatehouse {

// The authenticator makers' root certificates trusted with webauthn.attestation "required"
// (webauthn.attestation_roots_file, PEM). Thread-safe once built.
class AttestationRoots {
 public:
  // Throws std::runtime_error when the file cannot be read or holds no certificate.
  explicit AttestationRoots(const std::string& pem_file);
  ~AttestationRoots();
  AttestationRoots(const AttestationRoots&) = delete;
  AttestationRoots& operator=(const AttestationRoots&) = delete;

  // True when `chain` (DER certificates, the attestation certificate first, then any
  // intermediates) leads to one of the roots, each certificate valid at `now`.
  bool Trusts(const std::vector<std::string>& chain, std::int64_t now) const;

  std::size_t size() const;

 private:
  struct Store;
  std::unique_ptr<Store> store_;
};

}  // namespace gatehouse
