// Montgomery arithmetic modulo an RSA-2048 modulus m for builds with 32-bit limbs (the page's
// wasm): 74 digits of 28 bits, R = 2^2072.
//
// Why 28-bit digits: wasm has a 64-bit product but no carry flag, so with 32-bit limbs every
// product of a row is followed by a carry into the next limb, one dependent step after another.
// A product of two 28-bit digits is below 2^56: a whole row adds into 64-bit words with no
// carry at all (a word takes 74 products of the product and 74 of the reduction, below 2^64),
// and the reduction carries once per row. The rows are unrolled, so V8 gets straight-line loads,
// multiplies and adds: a squaring 1.6x faster in wasm than MontgomeryModulus<64> on 32-bit limbs
// (docs/performance.md).
//
// Residues are kept below 2m, not m (R > 2^24 m: a product of two such residues reduces to below
// 2m again); from_montgomery reduces fully. Public data only (signatures, keys): variable-time.
#pragma once

#include <array>
#include <cstdint>

#include "crypto/fixed_width.hpp"

namespace reelcheck::detail {

class Radix28RsaModulus {
public:
  static constexpr std::size_t kDigits = 74;
  static constexpr unsigned kDigitBits = 28;
  using Plain = Limbs<kLimbsFor<2048>>;
  using Residue = std::array<std::uint64_t, kDigits>; // digits below 2^28

  // m odd, below 2^2048.
  explicit Radix28RsaModulus(const Plain& m) : plain_(m), m_(digits_of(m)) {
    static_assert(kLimbBits == 32, "Radix28RsaModulus is the arithmetic of 32-bit limbs");
    // -m^-1 mod 2^28 by Newton's iteration (each step doubles the correct bits).
    std::uint64_t inv = 1;
    for (int i = 0; i < 5; ++i)
      inv *= 2 - m_[0] * inv;
    m0inv_ = (0 - inv) & kMask;
    // R^2 mod m by modular doubling from 1 (once per key).
    Plain x{};
    x[0] = 1;
    for (std::size_t i = 0; i < 2 * kDigits * kDigitBits; ++i) {
      Plain twice{}, less{};
      const Limb carry = detail::add(twice, x, x);
      const Limb borrow = detail::sub(less, twice, plain_);
      x = (carry != 0 || borrow == 0) ? less : twice;
    }
    r2_ = digits_of(x);
  }

  const Plain& modulus() const { return plain_; }

  // a R mod m (below 2m) for a plain a < m.
  void to_montgomery(Residue& r, const Plain& a) const { mul(r, digits_of(a), r2_); }
  // The plain value, fully reduced (< m).
  void from_montgomery(Plain& r, const Residue& a) const {
    std::uint64_t t[2 * kDigits] = {};
    for (std::size_t i = 0; i < kDigits; ++i)
      t[i] = a[i];
    Residue d{};
    reduce(d, t); // (a + q m) / R <= m for a < 2m
    r = plain_of(d);
    Plain less{};
    if (detail::sub(less, r, plain_) == 0) r = less; // m itself stands for 0
  }

  // r = a b / R mod m (below 2m), for a, b below 2m. r may alias a or b.
  void mul(Residue& r, const Residue& a, const Residue& b) const {
    std::uint64_t t[2 * kDigits] = {};
    for (std::size_t i = 0; i < kDigits; ++i)
      add_row(t + i, a[i], b.data());
    reduce(r, t);
  }

  // r = a^2 / R mod m: each product a_i a_j (i < j) once, doubled, then the squares.
  void sqr(Residue& r, const Residue& a) const {
    std::uint64_t t[2 * kDigits] = {};
    std::uint64_t twice[kDigits];
    for (std::size_t i = 0; i < kDigits; ++i)
      twice[i] = a[i] << 1;
    for (std::size_t i = 0; i < kDigits; ++i) {
      const std::uint64_t ai = a[i];
      t[2 * i] += ai * ai;
      std::uint64_t* row = t + i;
      std::size_t j = i + 1;
      for (; j + 4 <= kDigits; j += 4) {
        row[j] += ai * twice[j];
        row[j + 1] += ai * twice[j + 1];
        row[j + 2] += ai * twice[j + 2];
        row[j + 3] += ai * twice[j + 3];
      }
      for (; j < kDigits; ++j)
        row[j] += ai * twice[j];
    }
    reduce(r, t);
  }

private:
  static constexpr std::uint64_t kMask = (std::uint64_t(1) << kDigitBits) - 1;

  // t[0 .. kDigits) += q v: no carries (every word stays below 2^64, see above).
  [[gnu::always_inline]] static void add_row(std::uint64_t* t, std::uint64_t q,
                                             const std::uint64_t* v) {
    REELCHECK_UNROLL
    for (std::size_t j = 0; j < kDigits; ++j)
      t[j] += q * v[j];
  }

  // r = t / R mod m, below 2m, for t < 4 m^2 as 2 kDigits - 1 unnormalised words. Step i makes
  // word i a multiple of 2^28 by adding q m 2^(28 i), and carries it into word i + 1.
  [[gnu::always_inline]] void reduce(Residue& r, std::uint64_t (&t)[2 * kDigits]) const {
    for (std::size_t i = 0; i < kDigits; ++i) {
      t[i + 1] += t[i] >> kDigitBits;
      const std::uint64_t low = t[i] & kMask;
      t[i] = low;
      add_row(t + i, (low * m0inv_) & kMask, m_.data());
      t[i + 1] += t[i] >> kDigitBits;
    }
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < kDigits; ++i) {
      carry += t[kDigits + i];
      r[i] = carry & kMask;
      carry >>= kDigitBits;
    }
  }

  // Word-wise conversions: a digit spans at most two limbs, a limb at most three digits.
  static Residue digits_of(const Plain& v) {
    Residue d{};
    for (std::size_t k = 0; k < kDigits; ++k) {
      const std::size_t bit = k * kDigitBits, w = bit / 32, shift = bit % 32;
      if (w >= v.size()) break;
      std::uint64_t x = std::uint64_t(v[w]) >> shift;
      if (w + 1 < v.size()) x |= std::uint64_t(v[w + 1]) << (32 - shift);
      d[k] = x & kMask;
    }
    return d;
  }
  static Plain plain_of(const Residue& d) { // d < 2^2048
    Plain v{};
    for (std::size_t w = 0; w < v.size(); ++w) {
      const std::size_t bit = w * 32, k = bit / kDigitBits, shift = bit % kDigitBits;
      std::uint64_t x = d[k] >> shift;
      if (k + 1 < kDigits) x |= d[k + 1] << (kDigitBits - shift);
      if (k + 2 < kDigits) x |= d[k + 2] << (2 * kDigitBits - shift);
      v[w] = Limb(x);
    }
    return v;
  }

  Plain plain_;
  Residue m_;
  Residue r2_{};
  std::uint64_t m0inv_ = 0;
};

} // namespace reelcheck::detail

