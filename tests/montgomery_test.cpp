// The engine's Montgomery arithmetic (crypto/fixed_width.hpp) against OpenSSL's BN_mod_mul and
// mbedTLS's mbedtls_mpi_mul_mpi: squaring and multiplication, alone and chained as in an RSA
// verification. Built twice: with the native limbs and with the page's 32-bit limbs
// (reelcheck_p384_limb32_tests). The squaring (square_wide, then REDC) and the multiplication
// (CIOS) are separate code, so each is checked against the other and against the references on
// the same inputs. The moduli aim at the reduction's edges: all ones (the largest q limbs), a low
// limb of 1 (m0inv = -1), a short modulus (the final subtraction), RSA-sized random ones, and
// the P-384 order and prime.
#include <gtest/gtest.h>

#include <random>

#include "crypto/fixed_width.hpp"
#include "crypto/p384_curve.hpp"
#include "crypto/p384_field.hpp"
#include "support/modular_inputs.hpp"
#include "support/p384_reference.hpp"

namespace reelcheck {
namespace {

using test::Bytes;
using namespace test::modular_inputs;
namespace ref = test::product_reference;

// from_montgomery(op(to_montgomery(a), ...)): what the engine's users compute.
template <std::size_t N> struct Engine {
  explicit Engine(const Bytes& m) : mod(limbs<N>(m)), size(m.size()) {}
  detail::MontgomeryModulus<N> mod;
  std::size_t size;

  Bytes square(const Bytes& a) const {
    detail::Limbs<N> x{};
    mod.to_montgomery(x, limbs<N>(a));
    detail::Limbs<N> by_sqr{}, by_mul{};
    mod.sqr(by_sqr, x);
    mod.mul(by_mul, x, x);
    EXPECT_EQ(by_sqr, by_mul) << "sqr and mul(a, a) disagree in the Montgomery domain";
    mod.from_montgomery(by_sqr, by_sqr);
    return be(by_sqr, size);
  }
  Bytes product(const Bytes& a, const Bytes& b) const {
    detail::Limbs<N> x{}, y{};
    mod.to_montgomery(x, limbs<N>(a));
    mod.to_montgomery(y, limbs<N>(b));
    mod.mul(x, x, y);
    mod.from_montgomery(x, x);
    return be(x, size);
  }
  // a^(2^16 + 1): RsaVerifier's exponentiation for e = 65537, squarings in place (r aliases a).
  Bytes power_65537(const Bytes& a) const {
    detail::Limbs<N> base{}, x{};
    mod.to_montgomery(base, limbs<N>(a));
    x = base;
    for (int i = 0; i < 16; ++i)
      mod.sqr(x, x);
    mod.mul(x, x, base);
    mod.from_montgomery(x, x);
    return be(x, size);
  }
};

template <std::size_t Bits> void check_modulus(const Bytes& m, std::size_t random) {
  constexpr std::size_t N = detail::kLimbsFor<Bits>;
  std::mt19937_64 rng(Bits + m.back());
  const Engine<N> engine(m);
  const std::vector<Bytes> values = edge_inputs(m, Bits, random, rng);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Bytes& a = values[i];
    const Bytes expected = ref::openssl(a, a, m);
    ASSERT_EQ(ref::mbedtls(a, a, m), expected) << "the references disagree";
    ASSERT_EQ(engine.square(a), expected) << "a = " << ::testing::PrintToString(a);
    const Bytes& b = values[(i * 7 + 3) % values.size()];
    ASSERT_EQ(engine.product(a, b), ref::openssl(a, b, m)) << "a = " << ::testing::PrintToString(a);
  }
  // Chained as in a verification: every squaring's output is the next one's input.
  for (std::size_t i = 0; i < values.size(); i += 5) {
    Bytes expected = values[i];
    for (int k = 0; k < 16; ++k)
      expected = ref::openssl(expected, expected, m);
    expected = ref::openssl(expected, values[i], m);
    ASSERT_EQ(engine.power_65537(values[i]), expected)
        << "a = " << ::testing::PrintToString(values[i]);
  }
  // Zero squares to zero (not an edge input above: they are all nonzero).
  ASSERT_EQ(engine.square(Bytes(m.size(), 0)), Bytes(m.size(), 0));
}

TEST(Montgomery, Rsa2048AllOnesModulusMatchesOpenSslAndMbedTls) {
  check_modulus<2048>(Bytes(256, 0xff), 60); // 2^2048 - 1: every q limb and carry at its largest
}

TEST(Montgomery, Rsa2048ModulusWithLowLimbOneMatchesOpenSslAndMbedTls) {
  Bytes m(256, 0);
  m[0] = 0x80;
  m[255] = 0x01; // 2^2047 + 1: m0inv = -1, q is the column's negated low limb
  check_modulus<2048>(m, 60);
}

TEST(Montgomery, Rsa2048ModulusJustAboveAPowerOfTwoMatchesOpenSslAndMbedTls) {
  Bytes m(256, 0);
  m[3] = 0x01; // a 2,025-bit modulus: top limbs zero, results often need the final subtraction
  m[200] = 0x5a;
  m[255] = 0x33;
  check_modulus<2048>(m, 60);
}

TEST(Montgomery, RandomRsa2048ModuliMatchOpenSslAndMbedTls) {
  std::mt19937_64 rng(2048);
  for (int k = 0; k < 3; ++k) {
    Bytes m(256);
    for (auto& b : m)
      b = std::uint8_t(rng());
    m[0] |= 0x80;
    m[255] |= 0x01;
    check_modulus<2048>(m, 40);
  }
}

TEST(Montgomery, P384OrderAndPrimeMatchOpenSslAndMbedTls) {
  check_modulus<384>(be(detail::p384::order().modulus(), 48), 300);
  check_modulus<384>(be(detail::p384::Field::kModulus, 48), 300);
}

} // namespace
} // namespace reelcheck
