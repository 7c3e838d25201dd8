// RAII ownership of mbedTLS's parsed X.509 certificate and the small queries the PKI layer
// makes on it. Private to the core.
#pragma once

#include <mbedtls/x509_crt.h>

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/ecdsa_p384_fwd.hpp"
#include "reelcheck/result.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::detail {

struct CrtDeleter {
  void operator()(mbedtls_x509_crt* crt) const noexcept;
};
using CrtPtr = std::unique_ptr<mbedtls_x509_crt, CrtDeleter>;

// Parses every certificate of a PEM or DER buffer into one mbedTLS chain. DER (bare, or inside
// a PEM block) must be exactly one certificate: bytes after its end are refused.
Result<CrtPtr> parse_certificates(ByteView pem_or_der, std::string_view source);
// How many certificates such a chain holds.
std::size_t certificate_count(const mbedtls_x509_crt& chain);

bool looks_like_pem(ByteView data);
std::string common_name(const mbedtls_x509_crt& crt); // CN, or the whole DN if there is none
std::string subject_dn(const mbedtls_x509_crt& crt);
std::string issuer_dn(const mbedtls_x509_crt& crt);
std::string key_type(const mbedtls_x509_crt& crt); // "EC P-256", "RSA 2048", ...
std::string sha256_hex(ByteView data);
std::int64_t to_seconds(const mbedtls_x509_time& t);
std::string format_x509_time(const mbedtls_x509_time& t);

// Whether the extension with this OID (MBEDTLS_OID_...) is marked critical; nullopt when the
// certificate does not carry it. mbedTLS 2.x parses the known extensions but keeps no
// criticality flag, so this reads the raw extensions.
std::optional<bool> extension_is_critical(const mbedtls_x509_crt& crt, std::string_view oid);

// Subject key identifier, and the key identifier of the authority key identifier extension.
std::optional<ByteView> subject_key_id(const mbedtls_x509_crt& crt);
std::optional<ByteView> authority_key_id(const mbedtls_x509_crt& crt);

class RsaVerifier;

// The verify-only engines for an issuer's key (crypto/ecdsa_p384.hpp, crypto/rsa_verifier.hpp): at
// most one is set; with neither, signatures go through mbedTLS.
struct FastIssuerKey {
  std::shared_ptr<const EcdsaP384Verifier> p384;
  std::shared_ptr<const RsaVerifier> rsa;
};

enum class SignatureCheck { kValid, kInvalid, kUnsupportedAlgorithm };
// `fast`, when given, holds the verify-only engines for parent's key (the fast path).
SignatureCheck check_signature(const mbedtls_x509_crt& child, const mbedtls_x509_crt& parent,
                               const FastIssuerKey* fast = nullptr);

// A certificate's digest, by the hash its signature names.
struct SignedDigest {
  std::array<std::uint8_t, MBEDTLS_MD_MAX_SIZE> bytes{};
  std::size_t size = 0;
  std::span<const std::uint8_t> view() const { return {bytes.data(), size}; }
};
// What check_signature(child, parent, fast) would ask fast's P-384 engine, for a caller that
// verifies many such signatures in one batch (EcdsaP384Verifier::verify_batch); nullopt when
// it would not ask that engine (check_signature then decides).
struct P384SignatureCheck {
  SignedDigest digest;
  const EcdsaP384Verifier* key = nullptr;
  ByteView signature;
};
std::optional<P384SignatureCheck> p384_signature_check(const mbedtls_x509_crt& child,
                                                       const mbedtls_x509_crt& parent,
                                                       const FastIssuerKey* fast);

// The hash of an RSA PKCS#1 v1.5 signature that check_signature(child, parent, fast) would ask
// fast's RSA engine to verify, for a front end whose platform verifies it instead (the page's
// WebCrypto, in the browser's native code); nullopt when it would not ask that engine.
std::optional<std::string_view> rsa_signature_hash(const mbedtls_x509_crt& child,
                                                   const mbedtls_x509_crt& parent,
                                                   const FastIssuerKey* fast);

// The fast engines for a certificate's public key: P-384, or RSA-2048 (else none).
FastIssuerKey fast_issuer_key(const mbedtls_x509_crt& crt);
std::shared_ptr<const EcdsaP384Verifier> p384_verifier_for(const mbedtls_x509_crt& crt);
std::shared_ptr<const RsaVerifier> rsa_verifier_for(const mbedtls_x509_crt& crt);

inline bool same_name(const mbedtls_x509_buf& a, const mbedtls_x509_buf& b) {
  return a.len == b.len && std::equal(a.p, a.p + a.len, b.p);
}

} // namespace reelcheck::detail
