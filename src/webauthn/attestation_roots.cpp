#include "webauthn/attestation_roots.hpp"

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace gatehouse {
namespace {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr FromDer(const std::string& der) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &bytes, static_cast<long>(der.size())));
  // Trailing bytes after the certificate would be a second reading of the same input.
  if (cert && bytes != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return nullptr;
  }
  return cert;
}

}  // namespace

struct AttestationRoots::Store {
  X509_STORE* store = X509_STORE_new();
  std::size_t count = 0;
  ~Store() { X509_STORE_free(store); }
};

AttestationRoots::AttestationRoots(const std::string& pem_file)
    : store_(std::make_unique<Store>()) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_file(pem_file.c_str(), "r"), BIO_free);
  if (!in) throw std::runtime_error("cannot read " + pem_file);
  while (X509Ptr cert{PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)}) {
    if (X509_STORE_add_cert(store_->store, cert.get()) == 1) ++store_->count;
  }
  if (store_->count == 0) throw std::runtime_error(pem_file + " holds no PEM certificate");
}

AttestationRoots::~AttestationRoots() = default;

std::size_t AttestationRoots::size() const { return store_->count; }

bool AttestationRoots::Trusts(const std::vector<std::string>& chain, std::int64_t now) const {
  if (chain.empty()) return false;
  X509Ptr leaf = FromDer(chain.front());
  if (!leaf) return false;
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> intermediates(
      sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); });
  for (std::size_t i = 1; i < chain.size(); ++i) {
    X509Ptr cert = FromDer(chain[i]);
    if (!cert || !sk_X509_push(intermediates.get(), cert.get())) return false;
    cert.release();  // the stack owns it now
  }
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(),
                                                                          X509_STORE_CTX_free);
  if (!context ||
      X509_STORE_CTX_init(context.get(), store_->store, leaf.get(), intermediates.get()) != 1) {
    return false;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now));
  // Attestation certificates carry no TLS purpose; the chain and validity are what count.
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_ANY);
  return X509_verify_cert(context.get()) == 1;
}

}  // namespace gatehouse
