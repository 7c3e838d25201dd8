// Fixed-width unsigned integers and Montgomery arithmetic modulo an odd modulus, for the
// verify-only ECDSA engine. Everything here handles public data only (certificates,
// signatures, CA keys), so it is variable-time on purpose: no secret ever reaches it.
//
// Limbs are 64-bit with a 128-bit product where the compiler has one natively; wasm32 has
// no 64x64->128 multiply instruction (it would be a library call), so there the limbs are
// 32-bit with a native 64-bit product. REELCHECK_LIMB32 forces the 32-bit form natively, so
// the tests check the code the page runs against OpenSSL too.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

// Fully unrolled loops of a fixed count (the 32-bit-limb arithmetic's rows and columns), so that
// V8 sees straight-line code with the words in locals. GCC (the native limb32 tests) ignores it.
#if defined(__clang__)
#define REELCHECK_UNROLL _Pragma("clang loop unroll(full)")
#else
#define REELCHECK_UNROLL
#endif

namespace reelcheck::detail {

#if defined(__SIZEOF_INT128__) && !defined(__wasm__) && !defined(REELCHECK_LIMB32)
// For the arithmetic that has a form of its own for each limb width (p384_field.hpp,
// rsa_verifier.cpp).
#define REELCHECK_WIDE_LIMBS 1
using Limb = std::uint64_t;
__extension__ using WideLimb = unsigned __int128;
#else
using Limb = std::uint32_t;
using WideLimb = std::uint64_t;
#endif
inline constexpr unsigned kLimbBits = sizeof(Limb) * 8;

// Little-endian limbs: w[0] is the least significant.
template <std::size_t N> using Limbs = std::array<Limb, N>;

template <std::size_t Bits>
inline constexpr std::size_t kLimbsFor = (Bits + kLimbBits - 1) / kLimbBits;

// A big-endian hex constant (no prefix, no separators) as limbs; for the curve parameters.
template <std::size_t N> constexpr Limbs<N> limbs_from_hex(std::string_view hex) {
  Limbs<N> out{};
  std::size_t bit = 0;
  for (std::size_t i = hex.size(); i-- > 0; bit += 4) {
    const char c = hex[i];
    const Limb nibble = c >= '0' && c <= '9'   ? Limb(c - '0')
                        : c >= 'a' && c <= 'f' ? Limb(c - 'a' + 10)
                                               : Limb(c - 'A' + 10);
    out[bit / kLimbBits] |= nibble << (bit % kLimbBits);
  }
  return out;
}

// A hex constant (no separators) as bytes, for the engines' known-answer self-tests. The engines
// stay free of the rest of the core (the 32-bit-limb tests compile them on their own), so they
// share this rather than util/hex's decoder.
inline std::vector<std::uint8_t> bytes_from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out[i] = std::uint8_t(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return out;
}

// Big-endian bytes -> limbs. False if the value does not fit in N limbs.
template <std::size_t N> bool limbs_from_bytes(std::span<const std::uint8_t> be, Limbs<N>& out) {
  out = {};
  std::size_t bit = 0;
  for (std::size_t i = be.size(); i-- > 0; bit += 8) {
    if (be[i] == 0) continue;
    if (bit >= N * kLimbBits) return false;
    out[bit / kLimbBits] |= Limb(be[i]) << (bit % kLimbBits);
  }
  return true;
}

template <std::size_t N> void limbs_to_bytes(const Limbs<N>& a, std::span<std::uint8_t> be) {
  std::size_t bit = 0;
  for (std::size_t i = be.size(); i-- > 0; bit += 8)
    be[i] = bit < N * kLimbBits ? std::uint8_t(a[bit / kLimbBits] >> (bit % kLimbBits)) : 0;
}

template <std::size_t N> constexpr bool is_zero(const Limbs<N>& a) {
  Limb acc = 0;
  for (Limb x : a)
    acc |= x;
  return acc == 0;
}

template <std::size_t N> constexpr int compare(const Limbs<N>& a, const Limbs<N>& b) {
  for (std::size_t i = N; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

// r = a + b; returns the carry out.
template <std::size_t N> constexpr Limb add(Limbs<N>& r, const Limbs<N>& a, const Limbs<N>& b) {
  WideLimb c = 0;
  for (std::size_t i = 0; i < N; ++i) {
    c += WideLimb(a[i]) + b[i];
    r[i] = Limb(c);
    c >>= kLimbBits;
  }
  return Limb(c);
}

// r = a - b; returns the borrow out (1 if a < b).
template <std::size_t N> constexpr Limb sub(Limbs<N>& r, const Limbs<N>& a, const Limbs<N>& b) {
  Limb borrow = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const Limb ai = a[i];
    const Limb d = ai - b[i];
    const Limb next = Limb(ai < b[i]) | Limb(d < borrow);
    r[i] = d - borrow;
    borrow = next;
  }
  return borrow;
}

// a = (top_bit:a) >> 1
template <std::size_t N> constexpr void shift_right_1(Limbs<N>& a, Limb top_bit = 0) {
  for (std::size_t i = 0; i + 1 < N; ++i)
    a[i] = (a[i] >> 1) | (a[i + 1] << (kLimbBits - 1));
  a[N - 1] = (a[N - 1] >> 1) | (top_bit << (kLimbBits - 1));
}

// `width` (<= kLimbBits) bits of `a` starting at bit `pos`; bits past the top read as 0.
template <std::size_t N>
constexpr unsigned bits_at(const Limbs<N>& a, std::size_t pos, unsigned width) {
  const std::size_t limb = pos / kLimbBits;
  const unsigned shift = pos % kLimbBits;
  if (limb >= N) return 0;
  WideLimb v = a[limb] >> shift;
  if (shift != 0 && limb + 1 < N) v |= WideLimb(a[limb + 1]) << (kLimbBits - shift);
  return unsigned(v & ((WideLimb(1) << width) - 1));
}

// r = a^-1 mod m for 0 < a < m, m an odd prime. Binary extended Euclid: variable-time, which
// is fine for public values, and far cheaper than Fermat. False for a == 0 or a >= m (the loop
// needs gcd(a, m) == 1 to end).
template <std::size_t N>
constexpr bool inverse_mod(Limbs<N>& r, const Limbs<N>& a, const Limbs<N>& m) {
  if (is_zero(a) || compare(a, m) >= 0) return false;
  Limbs<N> u = a, v = m, x1{}, x2{};
  x1[0] = 1;
  const auto is_one = [](const Limbs<N>& x) {
    if (x[0] != 1) return false;
    for (std::size_t i = 1; i < N; ++i)
      if (x[i] != 0) return false;
    return true;
  };
  // x/2 mod m (m odd, x < m): x/2 or (x+m)/2.
  const auto halve = [&m](Limbs<N>& x) {
    if (x[0] & 1) {
      const Limb carry = add(x, x, m);
      shift_right_1(x, carry);
    } else {
      shift_right_1(x);
    }
  };
  // x1 - x2 mod m
  const auto sub_mod = [&m](Limbs<N>& x, const Limbs<N>& y) {
    if (sub(x, x, y) != 0) add(x, x, m);
  };
  while (!is_one(u) && !is_one(v)) {
    while ((u[0] & 1) == 0) {
      shift_right_1(u);
      halve(x1);
    }
    while ((v[0] & 1) == 0) {
      shift_right_1(v);
      halve(x2);
    }
    if (compare(u, v) >= 0) {
      sub(u, u, v);
      sub_mod(x1, x2);
    } else {
      sub(v, v, u);
      sub_mod(x2, x1);
    }
  }
  r = is_one(u) ? x1 : x2;
  return true;
}

// The same, by Bernstein-Yang divsteps: 4.3-4.7 us against 30-40 us for 384 bits (natively,
// 64- and 32-bit limbs). What Montgomery and the fields use (divsteps_inverse.hpp, included at
// the end of this header).
template <std::size_t N>
constexpr bool inverse_mod_divsteps(Limbs<N>& r, const Limbs<N>& a, const Limbs<N>& m);

// Montgomery's trick: out[i] = in[i]^-1 for every (non-zero) in[i], with one inversion and
// three multiplications each. `mul(r, a, b)` and `invert(r, a)` are the arithmetic's own
// (a field, or a MontgomeryModulus whose values stay in its domain); `prefix` is scratch space.
// out may be in.
template <class Value, class Mul, class Invert>
void invert_each(std::span<const Value> in, std::span<Value> out, std::vector<Value>& prefix,
                 Mul&& mul, Invert&& invert) {
  if (in.empty()) return;
  prefix.resize(in.size()); // prefix[i] = in[0] ... in[i]
  prefix[0] = in[0];
  for (std::size_t i = 1; i < in.size(); ++i)
    mul(prefix[i], prefix[i - 1], in[i]);
  Value inverse{};
  invert(inverse, prefix.back());
  for (std::size_t i = in.size(); i-- > 0;) {
    // inverse = (in[0] ... in[i])^-1 here.
    if (i > 0) {
      const Value value = in[i];
      mul(out[i], inverse, prefix[i - 1]);
      mul(inverse, inverse, value);
    } else {
      out[0] = inverse;
    }
  }
}

// t = a * b as a double-width value, row by row (operand scanning). Always inlined, like
// square_wide below.
template <std::size_t N>
[[gnu::always_inline]] constexpr inline void mul_wide(Limb (&t)[2 * N], const Limbs<N>& a,
                                                      const Limbs<N>& b) {
  for (std::size_t i = 0; i < N; ++i) {
    WideLimb c = 0;
    const Limb bi = b[i];
    for (std::size_t j = 0; j < N; ++j) {
      c += WideLimb(a[j]) * bi + (i == 0 ? 0 : t[i + j]);
      t[i + j] = Limb(c);
      c >>= kLimbBits;
    }
    t[i + N] = Limb(c);
  }
}

// t = a^2 as a double-width value: each cross product once, doubled, plus the squares on the
// diagonal (about half the products of a general multiplication). Always inlined: in the caller,
// t is a local array the compiler knows cannot alias a, and the squaring is as fast as written
// out in place (a call cost up to 15% of a P-384 verification).
template <std::size_t N>
[[gnu::always_inline]] constexpr inline void square_wide(Limb (&t)[2 * N], const Limbs<N>& a) {
  for (std::size_t i = 0; i < 2 * N; ++i)
    t[i] = 0;
  for (std::size_t i = 0; i < N; ++i) {
    WideLimb c = 0;
    for (std::size_t j = i + 1; j < N; ++j) {
      c += WideLimb(a[i]) * a[j] + t[i + j];
      t[i + j] = Limb(c);
      c >>= kLimbBits;
    }
    t[i + N] = Limb(c);
  }
  Limb top = 0;
  for (std::size_t i = 0; i < 2 * N; ++i) {
    const Limb next = t[i] >> (kLimbBits - 1);
    t[i] = Limb(t[i] << 1) | top;
    top = next;
  }
  WideLimb c = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const WideLimb square = WideLimb(a[i]) * a[i];
    c += WideLimb(t[2 * i]) + Limb(square);
    t[2 * i] = Limb(c);
    c >>= kLimbBits;
    c += WideLimb(t[2 * i + 1]) + Limb(square >> kLimbBits);
    t[2 * i + 1] = Limb(c);
    c >>= kLimbBits;
  }
}

// Arithmetic modulo an odd modulus m < 2^(N*kLimbBits). Values "in the Montgomery domain" are
// a*R mod m with R = 2^(N*kLimbBits); add/sub work in either domain, mul only in it.
template <std::size_t N> class MontgomeryModulus {
public:
  using Value = Limbs<N>;

  constexpr explicit MontgomeryModulus(const Value& m) : m_(m) {
    // -m^-1 mod 2^kLimbBits by Newton's iteration (each step doubles the correct bits).
    Limb inv = 1;
    for (int i = 0; i < 7; ++i)
      inv *= Limb(2) - m[0] * inv;
    m0inv_ = Limb(0) - inv;
    // R mod m, then R^2 mod m, by modular doubling from 1 (cheap, once per modulus).
    Value x{};
    x[0] = 1;
    for (std::size_t i = 0; i < N * kLimbBits; ++i)
      add(x, x, x);
    one_ = x;
    for (std::size_t i = 0; i < N * kLimbBits; ++i)
      add(x, x, x);
    r2_ = x;
  }

  constexpr const Value& modulus() const { return m_; }
  constexpr const Value& one() const { return one_; } // 1 in the Montgomery domain

  // r = a + b mod m, for a, b < m.
  constexpr void add(Value& r, const Value& a, const Value& b) const {
    Value t{};
    const Limb carry = detail::add(t, a, b);
    Value u{};
    const Limb borrow = detail::sub(u, t, m_);
    r = (carry != 0 || borrow == 0) ? u : t;
  }
  // r = a - b mod m, for a, b < m.
  constexpr void sub(Value& r, const Value& a, const Value& b) const {
    Value t{};
    if (detail::sub(t, a, b) != 0) detail::add(t, t, m_);
    r = t;
  }
  constexpr void neg(Value& r, const Value& a) const {
    if (is_zero(a)) {
      r = a;
      return;
    }
    detail::sub(r, m_, a);
  }

  // r = a * b / R mod m (CIOS), for a, b < m. r may alias a or b.
  constexpr void mul(Value& r, const Value& a, const Value& b) const {
    Limb t[N + 2] = {};
    for (std::size_t i = 0; i < N; ++i) {
      WideLimb c = 0;
      const Limb bi = b[i];
      for (std::size_t j = 0; j < N; ++j) {
        c += WideLimb(a[j]) * bi + t[j];
        t[j] = Limb(c);
        c >>= kLimbBits;
      }
      c += t[N];
      t[N] = Limb(c);
      t[N + 1] = Limb(c >> kLimbBits);
      const Limb q = t[0] * m0inv_;
      c = (WideLimb(q) * m_[0] + t[0]) >> kLimbBits;
      for (std::size_t j = 1; j < N; ++j) {
        c += WideLimb(q) * m_[j] + t[j];
        t[j - 1] = Limb(c);
        c >>= kLimbBits;
      }
      c += t[N];
      t[N - 1] = Limb(c);
      t[N] = t[N + 1] + Limb(c >> kLimbBits);
    }
    Value lo{};
    for (std::size_t i = 0; i < N; ++i)
      lo[i] = t[i];
    Value reduced{};
    const Limb borrow = detail::sub(reduced, lo, m_);
    r = (t[N] != 0 || borrow == 0) ? reduced : lo;
  }
  // r = a^2 / R mod m, for a < m: the square (square_wide, half the products of mul), then one
  // Montgomery reduction of the double-width result.
  constexpr void sqr(Value& r, const Value& a) const {
    Limb t[2 * N];
    square_wide<N>(t, a);
    reduce(r, t);
  }

  constexpr void to_montgomery(Value& r, const Value& a) const { mul(r, a, r2_); }
  constexpr void from_montgomery(Value& r, const Value& a) const {
    Value plain_one{};
    plain_one[0] = 1;
    mul(r, a, plain_one);
  }

  // r = a^-1 mod m for a plain (not Montgomery) a; see inverse_mod_divsteps.
  constexpr bool inverse(Value& r, const Value& a) const { return inverse_mod_divsteps(r, a, m_); }

private:
  // r = t / R mod m for t < m * R (REDC on a double-width value): each step clears the lowest
  // limb by adding a multiple of m; `extra` carries into the limb N places up.
  constexpr void reduce(Value& r, Limb (&t)[2 * N]) const {
    Limb extra = 0;
    for (std::size_t i = 0; i < N; ++i) {
      const Limb q = t[i] * m0inv_;
      WideLimb c = 0;
      for (std::size_t j = 0; j < N; ++j) {
        c += WideLimb(q) * m_[j] + t[i + j];
        t[i + j] = Limb(c);
        c >>= kLimbBits;
      }
      const WideLimb up = WideLimb(t[i + N]) + Limb(c) + extra;
      t[i + N] = Limb(up);
      extra = Limb(up >> kLimbBits);
    }
    Value hi{};
    for (std::size_t i = 0; i < N; ++i)
      hi[i] = t[N + i];
    Value reduced{};
    const Limb borrow = detail::sub(reduced, hi, m_);
    r = (extra != 0 || borrow == 0) ? reduced : hi;
  }

  Value m_{};
  Value one_{};
  Value r2_{};
  Limb m0inv_ = 0;
};

} // namespace reelcheck::detail

// The definition of inverse_mod_divsteps (declared above), in a file of its own.
#include "crypto/divsteps_inverse.hpp"
