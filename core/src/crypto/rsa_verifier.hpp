// Verify-only RSA for 2048-bit keys, PKCS#1 v1.5 signatures (RSASSA-PKCS1-v1_5, RFC 8017
// 8.2.2), for the one RSA key met thousands of times: the issuing CA of every E0E2 device
// certificate of a reel.
//
// s^e mod n with fixed-size Montgomery arithmetic (crypto/fixed_width.hpp: no allocation, a
// dedicated squaring, the modulus's constants computed once per key), then the encoded message
// compared byte for byte with the one expected, as mbedTLS does. Everything is public data:
// variable-time by design. Nothing here depends on mbedTLS; mbedTLS and OpenSSL are the
// references in the tests.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

namespace reelcheck::detail {

class RsaVerifier {
public:
  enum class Hash { kSha256, kSha384, kSha512 };

  // nullptr unless the modulus (big-endian) is exactly 2048 bits and odd and the public exponent
  // is odd, at least 3 and below 2^32; also nullptr if the known-answer self-test failed. The
  // caller then uses the general mbedTLS path.
  static std::shared_ptr<const RsaVerifier> create(std::span<const std::uint8_t> modulus,
                                                   std::span<const std::uint8_t> exponent);

  // `hash` is the digest of the signed data with the algorithm `hash_type`; `signature` must be
  // exactly as long as the modulus (256 bytes) and below it. Thread-safe.
  bool verify(Hash hash_type, std::span<const std::uint8_t> hash,
              std::span<const std::uint8_t> signature) const;

  // The known-answer self-test: a valid signature verifies, the same with one bit flipped does
  // not, and the encoded message itself (what an engine that skipped the exponentiation would
  // accept) does not. Run once per process by create().
  static bool self_test();
  static void pretend_self_test_failed_for_testing(bool failed);

  struct Key;
  explicit RsaVerifier(std::unique_ptr<const Key> key);
  ~RsaVerifier();
  RsaVerifier(const RsaVerifier&) = delete;
  RsaVerifier& operator=(const RsaVerifier&) = delete;

private:
  std::unique_ptr<const Key> key_;
};

} // namespace reelcheck::detail
