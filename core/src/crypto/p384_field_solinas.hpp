// Arithmetic modulo the P-384 prime p = 2^384 - 2^128 - 2^96 + 2^32 - 1 on 64-bit limbs, with
// the fast reduction its shape allows: 2^384 = 2^128 + 2^96 - 2^32 + 1 (mod p), so the high half
// of a product folds onto the low half with a few shifted additions (FIPS 186-4, D.2.4, written
// as repeated folding). About half the cost of a Montgomery multiplication, whose reduction is
// another full row of products. Elements are kept fully reduced (< p), in plain form: encode and
// decode are copies. Builds with 32-bit limbs use p384_field_radix29.hpp instead.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/fixed_width.hpp"

namespace reelcheck::detail::p384 {

class SolinasField {
  static_assert(kLimbBits == 64, "32-bit limbs use Radix29Field");

public:
  static constexpr std::size_t kLimbs = kLimbsFor<384>;
  using Value = Limbs<kLimbs>;

  static constexpr Value kModulus = limbs_from_hex<kLimbs>(
      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff");

  static constexpr const Value& modulus() { return kModulus; }
  static constexpr Value one() {
    Value v{};
    v[0] = 1;
    return v;
  }
  static constexpr void encode(Value& r, const Value& plain) { r = plain; }
  static constexpr void decode(Value& r, const Value& a) { r = a; }
  static constexpr bool is_zero(const Value& a) { return detail::is_zero(a); }
  static constexpr bool equal(const Value& a, const Value& b) { return compare(a, b) == 0; }

  static constexpr void add(Value& r, const Value& a, const Value& b) {
    Value t{};
    const Limb carry = detail::add(t, a, b);
    Value u{};
    const Limb borrow = detail::sub(u, t, kModulus);
    r = (carry != 0 || borrow == 0) ? u : t;
  }
  static constexpr void sub(Value& r, const Value& a, const Value& b) {
    Value t{};
    if (detail::sub(t, a, b) != 0) detail::add(t, t, kModulus);
    r = t;
  }
  static constexpr void neg(Value& r, const Value& a) {
    if (is_zero(a)) {
      r = a;
      return;
    }
    detail::sub(r, kModulus, a);
  }
  static constexpr bool inverse(Value& r, const Value& a) {
    return inverse_mod_divsteps(r, a, kModulus);
  }

  // r[i] = a[i]^-1 for many non-zero elements, with one inversion (invert_each).
  static void inverse_each(std::span<const Value> a, std::span<Value> r,
                           std::vector<Value>& scratch) {
    invert_each<Value>(
        a, r, scratch, [](Value& p, const Value& x, const Value& y) { mul(p, x, y); },
        [](Value& inv, const Value& x) {
          Value plain{};
          decode(plain, x);
          inverse(inv, plain);
          encode(inv, inv);
        });
  }

  static void mul(Value& r, const Value& a, const Value& b) {
    Limb t[2 * kLimbs];
    mul_wide<kLimbs>(t, a, b);
    reduce(r, t);
  }

  static void sqr(Value& r, const Value& a) {
    Limb t[2 * kLimbs];
    square_wide<kLimbs>(t, a);
    reduce(r, t);
  }

private:
  // r = t mod p for a product t < p^2: fold H * 2^384 -> H * (2^128 + 2^96 - 2^32 + 1) until
  // nothing is left above 2^384, then subtract p once if needed.
  // The shifts by 32 and 96 bits cut limbs in half, so fold with S = H << 32:
  // x_i = L_i + H_i + H_(i-2) + S_(i-1) - S_i. Signed 128-bit accumulators: single terms may be
  // negative, the whole never is. Returns the carry out of the top limb.
  template <std::size_t LowLen, std::size_t HighLen, std::size_t OutLen>
  static std::uint64_t fold_64(std::uint64_t* x, const std::uint64_t* low, const std::uint64_t* h) {
    __extension__ using Signed = __int128;
    std::uint64_t s[HighLen + 1];
    s[0] = h[0] << 32;
    for (std::size_t i = 1; i < HighLen; ++i) s[i] = (h[i] << 32) | (h[i - 1] >> 32);
    s[HighLen] = h[HighLen - 1] >> 32;
    Signed carry = 0;
    for (std::size_t i = 0; i < OutLen; ++i) {
      Signed v = carry;
      if (i < LowLen) v += low[i];
      if (i < HighLen) v += h[i];
      if (i >= 2 && i - 2 < HighLen) v += h[i - 2];
      if (i >= 1 && i - 1 <= HighLen) v += s[i - 1];
      if (i <= HighLen) v -= s[i];
      x[i] = std::uint64_t(v);
      carry = v >> 64;
    }
    return std::uint64_t(carry);
  }

  static void reduce(Value& r, const Limb* t) {
    std::uint64_t x[9], y[6];
    fold_64<6, 6, 9>(x, t, t + 6); // < 2^(384+131): limbs 6..8 are the rest
    std::uint64_t carry = fold_64<6, 3, 6>(y, x, x + 6);
    while (carry != 0) { // a small multiple of 2^384 is left: fold it too (at most twice)
      std::copy(y, y + 6, x);
      carry = fold_64<6, 1, 6>(y, x, &carry);
    }
    Value out{};
    for (std::size_t i = 0; i < 6; ++i) out[i] = Limb(y[i]);
    final_subtract(r, out);
  }

  static void final_subtract(Value& r, const Value& a) { // a < 2^384 < 2p
    Value reduced{};
    r = detail::sub(reduced, a, kModulus) == 0 ? reduced : a;
  }
};

} // namespace reelcheck::detail::p384
