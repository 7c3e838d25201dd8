// Two independent P-384 ECDSA implementations to judge Reelcheck's verify-only engine by:
// OpenSSL's libcrypto (which also signs and crafts the edge cases) and mbedTLS (the library
// the core used before). Shared by the differential tests and the differential bench.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace reelcheck::test {

using Bytes = std::vector<std::uint8_t>;

// An OpenSSL P-384 key. `point` is the uncompressed SEC 1 public point.
class OpenSslP384Key {
public:
  static OpenSslP384Key generate();
  static OpenSslP384Key from_private(const Bytes& d_be); // d in [1, n-1], big-endian
  static OpenSslP384Key from_point(const Bytes& point);  // public only (cannot sign)
  OpenSslP384Key(OpenSslP384Key&&) noexcept;
  ~OpenSslP384Key();

  const Bytes& point() const { return point_; }
  Bytes sign(const Bytes& digest) const; // DER; any digest length (truncated by OpenSSL)
  bool verify(const Bytes& digest, const Bytes& der_signature) const;

private:
  struct Impl;
  explicit OpenSslP384Key(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  Bytes point_;
};

// mbedTLS's ECDSA verification for one public key (keeps its group, so G's comb table is
// cached across calls as in the core's old path). Its DER reader is lenient (it accepts
// non-minimal INTEGER encodings that OpenSSL and the engine refuse).
class MbedtlsP384Verifier {
public:
  explicit MbedtlsP384Verifier(const Bytes& point);
  MbedtlsP384Verifier(MbedtlsP384Verifier&&) noexcept;
  ~MbedtlsP384Verifier();
  bool verify(const Bytes& digest, const Bytes& der_signature) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Scalar and point arithmetic from OpenSSL, to craft signatures that reach the engine's
// exceptional cases. Scalars are 48-byte big-endian values mod n.
namespace p384_math {
Bytes order();                         // n
Bytes mod_n(const Bytes& a);           // a mod n (a of any length)
Bytes add(const Bytes& a, const Bytes& b);
Bytes sub(const Bytes& a, const Bytes& b);
Bytes mul(const Bytes& a, const Bytes& b);
Bytes inverse(const Bytes& a);
Bytes small(std::uint64_t v);
Bytes prime();                                 // p
Bytes field_mul(const Bytes& a, const Bytes& b); // a b mod p
Bytes x_of_multiple(const Bytes& k);           // x(k*G) as 48 bytes (k != 0 mod n)
Bytes multiple_point(const Bytes& k);          // k*G, uncompressed SEC 1
Bytes der_signature(const Bytes& r, const Bytes& s); // minimal DER of (r, s)
// Plain integers (not mod n), 48 bytes each: for values such as n + k or p - n. Throw if the
// result does not fit (a + b >= 2^384, a < b).
Bytes integer_add(const Bytes& a, const Bytes& b);
Bytes integer_sub(const Bytes& a, const Bytes& b);
// The curve point with x-coordinate x (0 <= x < p) and even y, uncompressed SEC 1; {} if no
// point has that x (x^3 - 3x + b is not a square mod p).
Bytes point_with_x(const Bytes& x);
// a*G + b*P for a point P (uncompressed SEC 1); {} at the point at infinity.
Bytes combination(const Bytes& a, const Bytes& b, const Bytes& point);
} // namespace p384_math

// a^-1 mod m for any odd modulus, big-endian, padded to m's length; {} when there is none
// (gcd(a, m) != 1). 0 < a < m. The references for the engine's modular inversion.
namespace inverse_reference {
Bytes openssl(const Bytes& a, const Bytes& m); // BN_mod_inverse
Bytes mbedtls(const Bytes& a, const Bytes& m); // mbedtls_mpi_inv_mod
} // namespace inverse_reference

// a * b mod m for any modulus, big-endian, padded to m's length; a, b < m. The references for the
// engine's Montgomery arithmetic (tests/montgomery_test.cpp).
namespace product_reference {
Bytes openssl(const Bytes& a, const Bytes& b, const Bytes& m); // BN_mod_mul
Bytes mbedtls(const Bytes& a, const Bytes& b, const Bytes& m); // mbedtls_mpi_mul_mpi, _mod_mpi
} // namespace product_reference

// One differential case: a key, a digest, a DER signature, and what was done to it.
struct SignatureCase {
  std::size_t key = 0; // index into the keys of the generator
  Bytes digest;
  Bytes signature;
  std::string damage;          // "none", "digest bit", "r bit", ...
  bool canonical_der = true;   // false: mbedTLS's lenient reader may differ, by design
};

// Signs random digests (32, 48 and 64 bytes: SHA-256/384/512 sizes) with a few random keys
// and derives damaged variants from each signature.
class SignatureCaseGenerator {
public:
  SignatureCaseGenerator(std::size_t keys, std::uint64_t seed);
  const std::vector<OpenSslP384Key>& keys() const { return keys_; }
  // One signature and its variants (about eight cases).
  std::vector<SignatureCase> next();

private:
  std::vector<OpenSslP384Key> keys_;
  std::mt19937_64 rng_;
};

} // namespace reelcheck::test
