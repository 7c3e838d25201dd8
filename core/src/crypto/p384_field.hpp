// Arithmetic modulo the P-384 prime p = 2^384 - 2^128 - 2^96 + 2^32 - 1, with the fast
// reduction its shape allows: 2^384 = 2^128 + 2^96 - 2^32 + 1 (mod p), so the high half of a
// product folds onto the low half with a few shifted additions of 32-bit words (FIPS 186-4,
// D.2.4, written as repeated folding). About half the cost of a Montgomery multiplication,
// whose reduction is another full row of products. Elements are kept fully reduced (< p), in
// plain form: encode/decode are copies, so callers need not care which representation is used.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/fixed_width.hpp"

namespace reelcheck::detail::p384 {

class Field {
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
    invert_each<kLimbs>(
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
    if constexpr (kLimbBits == 32)
      mul_wide_by_columns<kLimbs>(t, a, b);
    else
      mul_wide<kLimbs>(t, a, b);
    reduce(r, t);
  }

  static void sqr(Value& r, const Value& a) {
    Limb t[2 * kLimbs];
    if constexpr (kLimbBits == 32)
      square_wide_by_columns<kLimbs>(t, a);
    else
      square_wide<kLimbs>(t, a);
    reduce(r, t);
  }

private:
  // r = t mod p for a product t < p^2: fold H * 2^384 -> H * (2^128 + 2^96 - 2^32 + 1) until
  // nothing is left above 2^384, then subtract p once if needed.
  template <class L> static void reduce(Value& r, const L* t) {
    if constexpr (sizeof(L) == 8) {
      reduce_64(r, t);
    } else {
      reduce_32(r, t);
    }
  }

  // 64-bit limbs: the shifts by 32 and 96 bits cut limbs in half, so fold with S = H << 32:
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

  template <class L> static void reduce_64(Value& r, const L* t) {
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

  // 32-bit limbs (wasm32): the shifts are whole words (FIPS 186-4, D.2.4, as repeated folding):
  // x_i = L_i + H_i + H_(i-3) + H_(i-4) - H_(i-1).
  template <std::size_t LowLen, std::size_t HighLen, std::size_t OutLen>
  [[gnu::always_inline]] static std::uint32_t fold_32(std::uint32_t* x, const std::uint32_t* low,
                                                      const std::uint32_t* h) {
    std::int64_t carry = 0;
#if defined(__clang__)
#pragma clang loop unroll(full)
#endif
    for (std::size_t i = 0; i < OutLen; ++i) {
      std::int64_t v = carry;
      if (i < LowLen) v += low[i];
      if (i < HighLen) v += h[i];
      if (i >= 4 && i - 4 < HighLen) v += h[i - 4];
      if (i >= 3 && i - 3 < HighLen) v += h[i - 3];
      if (i >= 1 && i - 1 < HighLen) v -= h[i - 1];
      x[i] = std::uint32_t(v);
      carry = v >> 32;
    }
    return std::uint32_t(carry);
  }

  // Unrolled and inlined, the folds keep every word in a register (wasm: a local) instead of
  // in arrays in linear memory; as loops they cost as much as the product itself.
  template <class L> static void reduce_32(Value& r, const L* t) {
    std::uint32_t x[17], y[12];
    fold_32<12, 12, 17>(x, t, t + 12);
    std::uint32_t carry = fold_32<12, 5, 12>(y, x, x + 12);
    while (carry != 0) {
      std::copy(y, y + 12, x);
      carry = fold_32<12, 1, 12>(y, x, &carry);
    }
    Value out{};
    for (std::size_t i = 0; i < 12; ++i) out[i] = Limb(y[i]);
    final_subtract(r, out);
  }

  static void final_subtract(Value& r, const Value& a) { // a < 2^384 < 2p
    Value reduced{};
    r = detail::sub(reduced, a, kModulus) == 0 ? reduced : a;
  }
};

} // namespace reelcheck::detail::p384
