// Arithmetic modulo the P-384 prime p = 2^384 - 2^128 - 2^96 + 2^32 - 1 for builds with 32-bit
// limbs (the page's wasm): Montgomery form x R mod p with R = 2^406, on 14 digits of 29 bits.
//
// Why 29-bit digits: wasm has a 64-bit product but no carry flag. With 32-bit limbs a column of
// a schoolbook product overflows 64 bits, so every product's high half is split off and carried
// separately. With digits below 2^29 a whole column of 14 products stays below 2^63: a product
// is one multiply and one add, and carries are propagated once per column.
// Why Montgomery: p = -1 (mod 2^29), so a reduction step's quotient is the low digit itself, and
// adding m p = m (2^384 - 2^128 - 2^96 + 2^32 - 1) is four shifted additions, at 29-bit offsets
// where the fold of p384_field_solinas.hpp would need 32-bit ones.
//
// Values are kept in [0, 2p), not fully reduced, every digit below 2^29: a product of two such
// values reduces to below 2p again (R > 2^21 p), and sums are brought back below 2p with one
// conditional subtraction. So a value has up to two representations: is_zero and equal compare
// values, never digits. The field product and squaring are 1.7-2x faster in wasm than on 32-bit
// limbs with the fold (docs/performance.md).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/fixed_width.hpp"

namespace reelcheck::detail::p384 {

namespace radix29 {

inline constexpr std::size_t kDigits = 14;
inline constexpr unsigned kDigitBits = 29;
using Value = std::array<std::uint32_t, kDigits>; // little-endian digits, each < 2^29
using Plain = Limbs<kLimbsFor<384>>;

inline constexpr Plain kModulus =
    limbs_from_hex<kLimbsFor<384>>("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                                   "effffffff0000000000000000ffffffff");

// Word-wise conversions between the 12 32-bit limbs of a plain value and 14 digits: each digit
// spans at most two limbs, each limb at most three digits.
constexpr Value digits_of(const Plain& v) {
  static_assert(kLimbBits == 32, "Radix29Field is the arithmetic of 32-bit limbs");
  Value d{};
  for (std::size_t k = 0; k < kDigits; ++k) {
    const std::size_t bit = k * kDigitBits, w = bit / 32, shift = bit % 32;
    std::uint64_t x = std::uint64_t(v[w]) >> shift;
    if (w + 1 < v.size()) x |= std::uint64_t(v[w + 1]) << (32 - shift);
    d[k] = std::uint32_t(x & ((std::uint64_t(1) << kDigitBits) - 1));
  }
  return d;
}
constexpr Plain plain_of(const Value& d) { // d < 2^384
  Plain v{};
  for (std::size_t w = 0; w < v.size(); ++w) {
    const std::size_t bit = w * 32, k = bit / kDigitBits, shift = bit % kDigitBits;
    std::uint64_t x = std::uint64_t(d[k]) >> shift;
    x |= std::uint64_t(d[k + 1]) << (kDigitBits - shift);
    if (k + 2 < kDigits) x |= std::uint64_t(d[k + 2]) << (2 * kDigitBits - shift);
    v[w] = Limb(x);
  }
  return v;
}
// 2^k mod p, by modular doubling from 1 (at compile time).
constexpr Plain power_of_two(std::size_t k) {
  Plain v{};
  v[0] = 1;
  for (std::size_t i = 0; i < k; ++i) {
    Plain twice{}, less{};
    const Limb carry = detail::add(twice, v, v);
    const Limb borrow = detail::sub(less, twice, kModulus);
    v = (carry != 0 || borrow == 0) ? less : twice;
  }
  return v;
}
constexpr Value twice_modulus() {
  Plain sum{};
  const Limb carry = detail::add(sum, kModulus, kModulus);
  Value d = digits_of(sum);
  d[kDigits - 1] |= std::uint32_t(carry) << (384 - (kDigits - 1) * kDigitBits); // bit 384
  return d;
}

} // namespace radix29

class Radix29Field {
public:
  static constexpr std::size_t kDigits = radix29::kDigits;
  static constexpr unsigned kDigitBits = radix29::kDigitBits;
  using Value = radix29::Value;
  using Plain = radix29::Plain;
  static constexpr Plain kModulus = radix29::kModulus;

  static constexpr const Plain& modulus() { return kModulus; }
  static constexpr Value one() { return kR; }

  // plain < 2^384 (callers pass values below p) -> plain R mod p.
  static void encode(Value& r, const Plain& plain) { mul(r, radix29::digits_of(plain), kR2); }
  // The fully reduced plain value (< p).
  static void decode(Plain& r, const Value& a) {
    Wide t[2 * kDigits] = {};
    REELCHECK_UNROLL
    for (std::size_t i = 0; i < kDigits; ++i)
      t[i] = a[i];
    Value d{};
    reduce(d, t); // (a + m p) / R <= p for a < 2p: p itself stands for 0
    r = radix29::plain_of(d);
    if (compare(r, kModulus) == 0) r = Plain{};
  }

  static void add(Value& r, const Value& a, const Value& b) {
    // s = a + b < 4p; r = s - 2p unless that is negative. Both chains in one pass.
    Wide s = 0, d = 0;
    Value sum{}, reduced{};
    REELCHECK_UNROLL
    for (std::size_t i = 0; i < kDigits; ++i) {
      const Wide x = Wide(a[i]) + b[i];
      s += x;
      d += x - k2P[i];
      sum[i] = std::uint32_t(s & kMask);
      reduced[i] = std::uint32_t(d & kMask);
      s >>= kDigitBits;
      d >>= kDigitBits;
    }
    r = d < 0 ? sum : reduced;
  }
  static void sub(Value& r, const Value& a, const Value& b) {
    // a - b in (-2p, 2p); add 2p if it is negative.
    Wide x = 0, y = 0;
    Value diff{}, lifted{};
    REELCHECK_UNROLL
    for (std::size_t i = 0; i < kDigits; ++i) {
      const Wide v = Wide(a[i]) - b[i];
      x += v;
      y += v + k2P[i];
      diff[i] = std::uint32_t(x & kMask);
      lifted[i] = std::uint32_t(y & kMask);
      x >>= kDigitBits;
      y >>= kDigitBits;
    }
    r = x < 0 ? lifted : diff;
  }
  static void neg(Value& r, const Value& a) { sub(r, Value{}, a); }

  static bool is_zero(const Value& a) { return a == Value{} || a == kP; } // 0 or p: a < 2p
  static bool equal(const Value& a, const Value& b) {
    Value d{};
    sub(d, a, b);
    return is_zero(d);
  }

  // One level of Karatsuba on the 7-digit halves: 147 products instead of 196. Every column
  // stays exact (no carries): the halves' sums have digits below 2^30, so a column of the middle
  // product is at most 7 products below 2^60; middle - low - high is a1 b0 + a0 b1 column by
  // column, never negative; and a column of the whole is at most 14 products below 2^58.
  static void mul(Value& r, const Value& a, const Value& b) {
    constexpr std::size_t h = kDigits / 2;
    Wide x[kDigits], y[kDigits], xs[h], ys[h];
    REELCHECK_UNROLL
    for (std::size_t i = 0; i < kDigits; ++i) {
      x[i] = a[i];
      y[i] = b[i];
    }
    REELCHECK_UNROLL
    for (std::size_t i = 0; i < h; ++i) {
      xs[i] = x[i] + x[i + h];
      ys[i] = y[i] + y[i + h];
    }
    Wide low[2 * h - 1], high[2 * h - 1], mid[2 * h - 1];
    REELCHECK_UNROLL
    for (std::size_t k = 0; k < 2 * h - 1; ++k) {
      Wide l = 0, hi = 0, m = 0;
      REELCHECK_UNROLL
      for (std::size_t i = (k < h ? 0 : k - h + 1); i <= (k < h ? k : h - 1); ++i) {
        l += x[i] * y[k - i];
        hi += x[i + h] * y[k - i + h];
        m += xs[i] * ys[k - i];
      }
      low[k] = l;
      high[k] = hi;
      mid[k] = m - l - hi;
    }
    Wide t[2 * kDigits];
    REELCHECK_UNROLL
    for (std::size_t k = 0; k < 2 * kDigits; ++k)
      t[k] = 0;
    REELCHECK_UNROLL
    for (std::size_t k = 0; k < 2 * h - 1; ++k) {
      t[k] += low[k];
      t[k + h] += mid[k];
      t[k + 2 * h] += high[k];
    }
    reduce(r, t);
  }

  static void sqr(Value& r, const Value& a) {
    Wide x[kDigits], twice[kDigits];
    REELCHECK_UNROLL
    for (std::size_t i = 0; i < kDigits; ++i) {
      x[i] = a[i];
      twice[i] = x[i] << 1;
    }
    Wide t[2 * kDigits];
    REELCHECK_UNROLL
    for (std::size_t k = 0; k < 2 * kDigits - 1; ++k) {
      Wide column = 0; // at most 7 doubled products below 2^59 and one square
      REELCHECK_UNROLL
      for (std::size_t i = (k < kDigits ? 0 : k - kDigits + 1); 2 * i < k; ++i)
        column += twice[i] * x[k - i];
      if (k % 2 == 0) column += x[k / 2] * x[k / 2];
      t[k] = column;
    }
    t[2 * kDigits - 1] = 0;
    reduce(r, t);
  }

  static bool inverse(Value& r, const Value& a) {
    Plain plain{}, inv{};
    decode(plain, a);
    if (!inverse_mod_divsteps(inv, plain, kModulus)) return false;
    encode(r, inv);
    return true;
  }

  // r[i] = a[i]^-1 for many non-zero elements, with one inversion (invert_each).
  static void inverse_each(std::span<const Value> a, std::span<Value> r,
                           std::vector<Value>& scratch) {
    invert_each<Value>(
        a, r, scratch, [](Value& p, const Value& x, const Value& y) { mul(p, x, y); },
        [](Value& inv, const Value& x) { inverse(inv, x); });
  }

private:
  using Wide = std::int64_t; // signed: a reduction step subtracts
  static constexpr Wide kMask = (Wide(1) << kDigitBits) - 1;

  static constexpr Value kP = radix29::digits_of(kModulus);
  static constexpr Value k2P = radix29::twice_modulus();
  static constexpr Value kR = radix29::digits_of(radix29::power_of_two(kDigits * kDigitBits));
  static constexpr Value kR2 = radix29::digits_of(radix29::power_of_two(2 * kDigits * kDigitBits));

  // r = t / R mod p, in [0, 2p), for t < 4p^2 held as 2 * kDigits - 1 column sums (each below
  // 2^63, possibly not normalised). Digit i's quotient is m = t_i mod 2^29 (as p = -1 mod 2^29);
  // adding m p 2^(29 i) clears the digit: its rest carries up, and p's other terms land at
  // 2^32 = 2^(29+3), 2^96 = 2^(87+9), 2^128 = 2^(116+12) and 2^384 = 2^(377+7).
  [[gnu::always_inline]] static void reduce(Value& r, Wide (&t)[2 * kDigits]) {
    REELCHECK_UNROLL
    for (std::size_t i = 0; i < kDigits; ++i) {
      const Wide m = t[i] & kMask;
      t[i + 1] += (t[i] >> kDigitBits) + (m << 3);
      t[i + 3] -= m << 9;
      t[i + 4] -= m << 12;
      t[i + 13] += m << 7;
    }
    REELCHECK_UNROLL
    for (std::size_t i = kDigits; i < 2 * kDigits - 1; ++i) {
      r[i - kDigits] = std::uint32_t(t[i] & kMask);
      t[i + 1] += t[i] >> kDigitBits;
    }
    r[kDigits - 1] = std::uint32_t(t[2 * kDigits - 1]); // < 2^8: the result is below 2p
  }
};

} // namespace reelcheck::detail::p384

