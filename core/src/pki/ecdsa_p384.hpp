// Verify-only ECDSA over NIST P-384, for one public key met thousands of times (an issuing
// CA signs every E0E0/E0E1 device certificate of a reel).
//
// u1*G + u2*Q costs about a hundred affine additions and no doubling: both G and Q get a
// fixed-base table (built once per process and key, shared read-only by every thread), and
// the sum is compared with r in Jacobian coordinates, so the only inversion is s^-1 mod n.
// Everything is public data (certificates, signatures, CA keys): variable-time by design.
//
// Nothing here depends on mbedTLS; mbedTLS and OpenSSL are the references in the tests.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

#include "pki/p384_curve.hpp"

namespace reelcheck::detail {

namespace p384 {
class FixedBaseTable;
}

class EcdsaP384Verifier {
public:
  // nullptr if `sec1_point` is not an uncompressed P-384 point on the curve, or if the
  // engine's known-answer self-test failed (callers then use the general mbedTLS path).
  static std::shared_ptr<const EcdsaP384Verifier> create(std::span<const std::uint8_t> sec1_point);

  // `der_signature` is an ECDSA-Sig-Value in strict DER; `hash` the message digest (any
  // length: truncated to 384 bits as SEC 1 prescribes). Thread-safe.
  bool verify(std::span<const std::uint8_t> hash, std::span<const std::uint8_t> der_signature) const;

  // Builds G's and this key's tables now instead of at the first verify (a front end with idle
  // time before the first certificate arrives, like the page's verifier workers). Thread-safe.
  void prepare() const;

  // The known-answer self-test: a valid signature verifies, the same with one bit flipped does
  // not, and a signature that is valid only for (u1+u2)*G (the result of an engine that
  // confused the two bases) does not. Run once per process by create().
  static bool self_test();

  // For the tests of the fallback: make create() behave as if the self-test had failed (or
  // passed again). Not for production use.
  static void pretend_self_test_failed_for_testing(bool failed);

  explicit EcdsaP384Verifier(const p384::AffinePoint& q);
  ~EcdsaP384Verifier();
  EcdsaP384Verifier(const EcdsaP384Verifier&) = delete;
  EcdsaP384Verifier& operator=(const EcdsaP384Verifier&) = delete;

private:
  const p384::FixedBaseTable& q_table() const;

  p384::AffinePoint q_;
  // Built on first use: most anchors of a trust store never sign a device certificate.
  mutable std::once_flag q_table_once_;
  mutable std::unique_ptr<const p384::FixedBaseTable> q_table_;
};

} // namespace reelcheck::detail
