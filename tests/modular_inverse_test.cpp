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
#include "support/modular_inputs.hpp"
#include "support/p384_reference.hpp"

namespace reelcheck {
namespace {

using test::Bytes;
using namespace test::modular_inputs;
namespace ref = test::inverse_reference;

template <std::size_t Bits> void check_modulus(const Bytes& m, std::size_t random, bool prime) {
  constexpr std::size_t N = detail::kLimbsFor<Bits>;
  std::mt19937_64 rng(Bits);
  const auto mod = limbs<N>(m);
  std::size_t without_inverse = 0;
  for (const Bytes& a : edge_inputs(m, Bits, random, rng)) {
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
