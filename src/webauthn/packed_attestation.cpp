#include "webauthn/packed_attestation.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "webauthn/cose_key.hpp"

namespace gatehouse {
namespace {

Error Refused(std::string check) {
  return MakeError(Errc::kValidationFailed, "webauthn: packed attestation: " + std::move(check),
                   "The authenticator's response was not accepted.");
}

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};

// The certificate's key made `signature` (DER for ECDSA) over `input` with `algorithm`.
bool CertificateSigned(X509* cert, std::int64_t algorithm, std::string_view input,
                       std::string_view signature) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (!key) return false;
  int type = EVP_PKEY_get_base_id(key);
  const EVP_MD* digest = EVP_sha256();
  if (algorithm == kCoseEdDSA && type == EVP_PKEY_ED25519) {
    digest = nullptr;
  } else if (!(algorithm == kCoseES256 && type == EVP_PKEY_EC) &&
             !(algorithm == kCoseRS256 && type == EVP_PKEY_RSA)) {
    return false;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, digest, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// §8.2.1: what an attestation certificate must say of itself.
Status CheckCertificate(X509* cert, std::string_view aaguid) {
  if (X509_get_version(cert) != 2) return Refused("the certificate is not version 3");
  X509_NAME* subject = X509_get_subject_name(cert);
  char unit[64] = {};
  if (X509_NAME_get_text_by_NID(subject, NID_organizationalUnitName, unit, sizeof unit) < 0 ||
      std::string_view(unit) != "Authenticator Attestation") {
    return Refused("the certificate's OU is not Authenticator Attestation");
  }
  if (X509_check_ca(cert) != 0) return Refused("the certificate is a CA's");
  // id-fido-gen-ce-aaguid: an OCTET STRING holding the 16-byte AAGUID.
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
  int index = X509_get_ext_by_OBJ(cert, oid, -1);
  ASN1_OBJECT_free(oid);
  if (index >= 0) {
    X509_EXTENSION* extension = X509_get_ext(cert, index);
    if (X509_EXTENSION_get_critical(extension)) return Refused("a critical AAGUID extension");
    ASN1_OCTET_STRING* outer = X509_EXTENSION_get_data(extension);
    const unsigned char* p = ASN1_STRING_get0_data(outer);
    ASN1_OCTET_STRING* inner = d2i_ASN1_OCTET_STRING(nullptr, &p, ASN1_STRING_length(outer));
    bool same =
        inner && ASN1_STRING_length(inner) == 16 &&
        std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(inner)), 16) == aaguid;
    ASN1_OCTET_STRING_free(inner);
    if (!same) return Refused("the certificate names another AAGUID");
  }
  return Ok{};
}

}  // namespace

Status VerifyPackedAttestation(const CborValue& statement, std::string_view signed_bytes,
                               std::int64_t credential_algorithm, const SigningKey& credential_key,
                               std::string_view aaguid) {
  const CborValue* alg = statement.Find("alg");
  const CborValue* sig = statement.Find("sig");
  const CborValue* x5c = statement.Find("x5c");
  if (!alg || !alg->IsInteger() || !sig || !sig->IsBytes()) return Refused("no alg or sig");
  if (!x5c) {
    // Self attestation: the credential's own key signed.
    if (alg->integer != credential_algorithm) return Refused("alg is not the credential's");
    if (!credential_key.VerifyDer(signed_bytes, sig->bytes)) return Refused("a wrong signature");
    return Ok{};
  }
  if (x5c->kind != CborValue::Kind::kArray || x5c->items.empty() || !x5c->items[0].IsBytes()) {
    return Refused("x5c is not a list of certificates");
  }
  const std::string& der = x5c->items[0].bytes;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return Refused("the attestation certificate does not parse");
  }
  if (Status ok = CheckCertificate(cert.get(), aaguid); !ok) return ok;
  if (!CertificateSigned(cert.get(), alg->integer, signed_bytes, sig->bytes)) {
    return Refused("the certificate's key did not make sig");
  }
  return Ok{};
}

}  // namespace gatehouse
