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
#include <vector>

#include "crypto/ecdsa_p384_fwd.hpp"
#include "crypto/p384_curve.hpp"

namespace reelcheck::detail {

namespace p384 {
template <unsigned WindowBits> class FixedBaseTable;
}

// `WindowBits`: the fixed-base tables' window (p384::kProductionWindowBits in the core, through
// the EcdsaP384Verifier alias). Instantiated for 8 and, natively, 10 (ecdsa_p384.cpp). Each
// window size has its own tables, self-test and cache of verifiers.
template <unsigned WindowBits> class BasicEcdsaP384Verifier {
public:
  // nullptr if `sec1_point` is not an uncompressed P-384 point on the curve, or if the
  // engine's known-answer self-test failed (callers then use the general mbedTLS path).
  static std::shared_ptr<const BasicEcdsaP384Verifier>
  create(std::span<const std::uint8_t> sec1_point);

  // `der_signature` is an ECDSA-Sig-Value in strict DER; `hash` the message digest (any
  // length: truncated to 384 bits as SEC 1 prescribes). Thread-safe.
  bool verify(std::span<const std::uint8_t> hash,
              std::span<const std::uint8_t> der_signature) const;

  // One signature of a batch: the key (any engine of this window size), digest and signature.
  struct Signed {
    const BasicEcdsaP384Verifier* key = nullptr;
    std::span<const std::uint8_t> hash, der_signature;
  };
  // verify() for each signature, the same verdicts, in about half the time natively and two
  // thirds in wasm when there are many (p384_bench, the wasm micro-benchmark): the sums of
  // table points are made side by side in affine coordinates, sharing one inversion per step
  // (p384_batch_sum.hpp). A few signatures go one by one. Thread-safe.
  static std::vector<bool> verify_batch(std::span<const Signed> batch);

  // Builds G's and this key's tables now instead of at the first verify (a front end with idle
  // time before the first certificate arrives, like the page's verifier workers). Thread-safe.
  void prepare() const;

  // The known-answer self-test: a valid signature verifies, the same with one bit flipped does
  // not, and a signature that is valid only for (u1+u2)*G (the result of an engine that
  // confused the two bases) does not. Run once per process (and window size) by create().
  static bool self_test();

  // For the tests of the fallback: make create() behave as if the self-test had failed (or
  // passed again), at every window size. Not for production use.
  static void pretend_self_test_failed_for_testing(bool failed);

  explicit BasicEcdsaP384Verifier(const p384::AffinePoint& q);
  ~BasicEcdsaP384Verifier();
  BasicEcdsaP384Verifier(const BasicEcdsaP384Verifier&) = delete;
  BasicEcdsaP384Verifier& operator=(const BasicEcdsaP384Verifier&) = delete;

private:
  using Table = p384::FixedBaseTable<WindowBits>;
  const Table& q_table() const;

  p384::AffinePoint q_;
  // Built on first use: most anchors of a trust store never sign a device certificate.
  mutable std::once_flag q_table_once_;
  mutable std::unique_ptr<const Table> q_table_;
};

extern template class BasicEcdsaP384Verifier<8>;
extern template class BasicEcdsaP384Verifier<10>;

} // namespace reelcheck::detail
