// The engine's modular inversion (Bernstein-Yang divsteps, crypto/divsteps_inverse.hpp) against
// OpenSSL's BN_mod_inverse and mbedTLS's mbedtls_mpi_inv_mod, and against the bit-by-bit
// binary Euclid it replaced. Built twice: with the native limbs and with the page's 32-bit limbs
// (reelcheck_p384_limb32_tests). The inputs aim at the batches' edges: powers of two and runs of
// ones (long stretches of halving steps), values next to 0 and to m, small values, and moduli
// of several widths, a composite one among them (inputs that share a factor have no inverse).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "crypto/fixed_width.hpp"
#include "crypto/p384_curve.hpp"
#include "crypto/p384_field.hpp"
#include "support/p384_reference.hpp"

namespace reelcheck {
namespace {

using test::Bytes;
namespace ref = test::inverse_reference;

Bytes from_hex(std::string_view hex) {
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::uint8_t(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  return out;
}

// m as big-endian bytes, m's length.
template <std::size_t N> Bytes be(const detail::Limbs<N>& v, std::size_t length) {
  Bytes out(length);
  detail::limbs_to_bytes(v, out);
  return out;
}
template <std::size_t N> detail::Limbs<N> limbs(const Bytes& v) {
  detail::Limbs<N> out{};
  EXPECT_TRUE(detail::limbs_from_bytes(v, out));
  return out;
}

// Big-endian arithmetic on m-length values, enough to build the edge inputs.
Bytes minus_small(Bytes v, unsigned k) { // v - k, v > k
  for (std::size_t i = v.size(); i-- > 0 && k;) {
    const unsigned x = v[i];
    v[i] = std::uint8_t(x - (k & 0xff));
    k = (k >> 8) + (x < (k & 0xff) ? 1 : 0);
  }
  return v;
}
Bytes power_of_two(std::size_t length, std::size_t bit) {
  Bytes v(length, 0);
  v[length - 1 - bit / 8] = std::uint8_t(1u << (bit % 8));
  return v;
}
bool below(const Bytes& a, const Bytes& m) {
  return a < m;
} // same length, big-endian
bool is_zero(const Bytes& a) {
  return a == Bytes(a.size(), 0);
}

// Every input for modulus m: the edges, then `random` random values below m.
std::vector<Bytes> inputs(const Bytes& m, std::size_t bits, std::size_t random,
                          std::mt19937_64& rng) {
  const std::size_t n = m.size();
  std::vector<Bytes> out;
  for (unsigned k = 1; k <= 64; ++k) {
    Bytes v(n, 0);
    v[n - 1] = std::uint8_t(k);
    out.push_back(v);
  }
  for (unsigned k = 1; k <= 8; ++k)
    out.push_back(minus_small(m, k));
  // Every bit position for the curves' moduli; every 29th (30 +- 1 across the batches) for the
  // wide one, whose every input costs the binary Euclid thousands of passes.
  const std::size_t stride = bits > 600 ? 29 : 1;
  for (std::size_t bit = 0; bit < bits; bit += stride) {
    Bytes p = power_of_two(n, bit);
    if (below(p, m)) out.push_back(p);
    if (bit > 0 && below(minus_small(p, 1), m)) out.push_back(minus_small(p, 1)); // a run of ones
    // m - 2^bit: long runs of m's own bits.
    Bytes d = m;
    bool borrow = false;
    for (std::size_t i = n; i-- > 0;) {
      const int x = int(d[i]) - int(p[i]) - (borrow ? 1 : 0);
      borrow = x < 0;
      d[i] = std::uint8_t(x & 0xff);
    }
    if (!borrow && !is_zero(d)) out.push_back(d);
  }
  Bytes half = m; // m >> 1
  for (std::size_t i = 0, carry = 0; i < n; ++i) {
    const unsigned x = half[i];
    half[i] = std::uint8_t((x >> 1) | (carry << 7));
    carry = x & 1;
  }
  out.push_back(half);
  for (std::size_t i = 0; i < random; ++i) {
    Bytes v(n);
    for (auto& b : v)
      b = std::uint8_t(rng());
    v[0] &= std::uint8_t(m[0] >> 1); // below m (m's top byte is never 0 here)
    if (!is_zero(v)) out.push_back(v);
  }
  return out;
}

template <std::size_t Bits> void check_modulus(const Bytes& m, std::size_t random, bool prime) {
  constexpr std::size_t N = detail::kLimbsFor<Bits>;
  std::mt19937_64 rng(Bits);
  const auto mod = limbs<N>(m);
  std::size_t without_inverse = 0;
  for (const Bytes& a : inputs(m, Bits, random, rng)) {
    const Bytes expected = ref::openssl(a, m);
    ASSERT_EQ(ref::mbedtls(a, m), expected) << "the references disagree";
    detail::Limbs<N> r{};
    const bool found = detail::inverse_mod_divsteps(r, limbs<N>(a), mod);
    ASSERT_EQ(found, !expected.empty()) << "a = " << ::testing::PrintToString(a);
    if (!found) {
      ++without_inverse;
      continue;
    }
    ASSERT_EQ(be(r, m.size()), expected) << "a = " << ::testing::PrintToString(a);
    // The binary Euclid ends only when an inverse exists.
    detail::Limbs<N> old{};
    ASSERT_TRUE(detail::inverse_mod(old, limbs<N>(a), mod));
    ASSERT_EQ(old, r);
  }
  if (prime)
    EXPECT_EQ(without_inverse, 0u);
  else
    EXPECT_GT(without_inverse, 0u) << "the composite modulus should meet inputs sharing a factor";
}

TEST(ModularInverse, P384OrderMatchesOpenSslAndMbedTls) {
  check_modulus<384>(be(detail::p384::order().modulus(), 48), 1500, true);
}

TEST(ModularInverse, P384PrimeMatchesOpenSslAndMbedTls) {
  check_modulus<384>(be(detail::p384::Field::kModulus, 48), 1500, true);
}

TEST(ModularInverse, P521PrimeMatchesOpenSslAndMbedTls) {
  Bytes p(66, 0xff);
  p[0] = 0x01; // 2^521 - 1
  check_modulus<521>(p, 500, true);
}

TEST(ModularInverse, CompositeModulusOf2044BitsMatchesOpenSslAndMbedTls) {
  // 3 * 5 * 7 * 11 * 13 * r for a random odd r of 2,030 bits: every multiple of one of those
  // small primes among the inputs has no inverse.
  const Bytes m = from_hex(
      "0ba51b32fae1c9ef306f6d1ca607e114c01e5a0f0b19aa444186b0ab9321de2b4b71ef9af9d7e3254c344303b0a7"
      "ea3743fbc653c63d1e1eab07db70fa1d124453952d6128efa6596bdadcaaa5109581fff98b913c69bca846127986"
      "c6177751d0d473a2ac8e2588d26aab7fa597196bb7c6737bd68eea44578da2f9a25d9dd87aa3eee1d54d4b674efc"
      "7599fa90ccaa10219bbcd00cb9b17ba9204a6b072b740dcff88f91e81458989efdaf4382a7d065dcb4a58c3be027"
      "9783a28cb06686d695bee3704ee458b4902bee93acd0936b610aa862954fdcc4829d74f93c99d5cb43271c49bc5a"
      "a6b8fd33b3780599f03ccc484761fb7894381ed2231c7a9c1c1b");
  check_modulus<2048>(m, 150, false);
}

TEST(ModularInverse, OutOfRangeInputsAndEvenModuliHaveNone) {
  constexpr std::size_t N = detail::kLimbsFor<384>;
  const auto& n = detail::p384::order().modulus();
  detail::Limbs<N> r{}, zero{}, above = n;
  above[0] += 1;
  EXPECT_FALSE(detail::inverse_mod_divsteps(r, zero, n));
  EXPECT_FALSE(detail::inverse_mod_divsteps(r, n, n));
  EXPECT_FALSE(detail::inverse_mod_divsteps(r, above, n));
  detail::Limbs<N> even = n, one{};
  even[0] -= 1;
  one[0] = 1;
  EXPECT_FALSE(detail::inverse_mod_divsteps(r, one, even));
  // The smallest moduli: 1 has no unit below it but 0; 3 inverts 1 and 2.
  detail::Limbs<1> m3{3}, a1{1}, a2{2}, r1{};
  ASSERT_TRUE(detail::inverse_mod_divsteps(r1, a1, m3));
  EXPECT_EQ(r1[0], 1u);
  ASSERT_TRUE(detail::inverse_mod_divsteps(r1, a2, m3));
  EXPECT_EQ(r1[0], 2u);
}

} // namespace
} // namespace reelcheck
