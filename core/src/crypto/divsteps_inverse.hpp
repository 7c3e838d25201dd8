// Modular inversion by Bernstein-Yang "divsteps" (https://eprint.iacr.org/2019/266), in the
// variable-time form with batches of 30 steps on 30-bit signed limbs: each batch works on the
// low 32 bits of f and g only and yields a 2x2 matrix, which is then applied to the full-width
// values with 32x32->64-bit products. Native 64-bit products, no 128-bit type: the page (wasm32)
// and the native build run the same code.
//
// Why not the bit-by-bit binary Euclid (inverse_mod in fixed_width.hpp): that one shifts and
// subtracts whole numbers once per bit, about a thousand passes over the limbs for 384 bits, and
// was a quarter of an ECDSA verification (s^-1 mod n). This does about 40 passes.
// Public data only (signatures, points): variable-time by design. inverse_mod stays as the
// constant-expression path and as the fallback should the step bound below ever be reached.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "crypto/fixed_width.hpp"

namespace reelcheck::detail {
namespace divsteps {

inline constexpr std::uint32_t kMask30 = (std::uint32_t(1) << 30) - 1;

// A signed number as L limbs of 30 bits, least significant first: v[0..L-2] in [0, 2^30) after
// every update, v[L-1] signed (it carries the sign and any bits above).
template <std::size_t L> struct Signed30 { std::array<std::int32_t, L> v{}; };

// The transition matrix of 30 divsteps, scaled by 2^30: [u v; q r] * [f; g] = 2^30 * [f'; g'].
struct Matrix {
  std::int32_t u, v, q, r;
};

// -(2i+1)^-1 mod 256, for i = 0..127: the multiple of an odd f that cancels g's low 8 bits.
constexpr std::array<std::uint8_t, 128> make_negated_inverses_mod_256() {
  std::array<std::uint8_t, 128> table{};
  for (std::uint32_t i = 0; i < 128; ++i) {
    const std::uint32_t odd = 2 * i + 1;
    std::uint32_t inv = odd; // correct mod 2^3; each Newton step doubles the correct bits
    for (int k = 0; k < 3; ++k)
      inv *= 2 - odd * inv;
    table[i] = std::uint8_t(0u - inv);
  }
  return table;
}
inline constexpr auto kNegatedInverses = make_negated_inverses_mod_256();

// 30 divsteps on the low 32 bits of f (odd) and g. eta is -delta. Several steps that only halve
// g are done at once (count trailing zeros), and up to 8 bits of g are cancelled by one multiple
// of f, as long as eta says no swap can happen in between.
constexpr std::int32_t steps_30(std::int32_t eta, std::uint32_t f, std::uint32_t g, Matrix& t) {
  std::uint32_t u = 1, v = 0, q = 0, r = 1;
  int left = 30;
  for (;;) {
    // A sentinel bit at `left` stops the count there.
    const int zeros = std::countr_zero(g | (~std::uint32_t(0) << left));
    g >>= zeros;
    u <<= zeros;
    v <<= zeros;
    eta -= zeros;
    left -= zeros;
    if (left == 0) break;
    if (eta < 0) { // (f, g) <- (g, -f), and the matrix's rows with them
      eta = -eta;
      const std::uint32_t f0 = f, u0 = u, v0 = v;
      f = g;
      g = 0u - f0;
      u = q;
      q = 0u - u0;
      v = r;
      r = 0u - v0;
    }
    // Cancel the low min(eta + 1, left, 8) bits of g (more would pass a swap).
    const int limit = eta + 1 > left ? left : eta + 1;
    const std::uint32_t mask = (~std::uint32_t(0) >> (32 - limit)) & 255u;
    const std::uint32_t w = (g * kNegatedInverses[(f >> 1) & 127]) & mask;
    g += f * w;
    q += u * w;
    r += v * w;
  }
  t = Matrix{std::int32_t(u), std::int32_t(v), std::int32_t(q), std::int32_t(r)};
  return eta;
}

// [f; g] <- [u v; q r] [f; g] / 2^30 on the low `len` limbs (the division is exact).
template <std::size_t L>
constexpr void apply_to_fg(std::size_t len, Signed30<L>& f, Signed30<L>& g, const Matrix& t) {
  const std::int64_t u = t.u, v = t.v, q = t.q, r = t.r;
  std::int64_t cf = u * f.v[0] + v * g.v[0];
  std::int64_t cg = q * f.v[0] + r * g.v[0];
  cf >>= 30;
  cg >>= 30;
  for (std::size_t i = 1; i < len; ++i) {
    cf += u * f.v[i] + v * g.v[i];
    cg += q * f.v[i] + r * g.v[i];
    f.v[i - 1] = std::int32_t(cf & kMask30);
    g.v[i - 1] = std::int32_t(cg & kMask30);
    cf >>= 30;
    cg >>= 30;
  }
  f.v[len - 1] = std::int32_t(cf);
  g.v[len - 1] = std::int32_t(cg);
}

// [d; e] <- [u v; q r] [d; e] / 2^30 mod m, keeping both in (-2m, m): multiples of m are added
// first so that the low 30 bits cancel (m_inv30 = m^-1 mod 2^30), and once more for a negative
// input so that the result does not drift below -2m.
template <std::size_t L>
constexpr void apply_to_de(Signed30<L>& d, Signed30<L>& e, const Matrix& t, const Signed30<L>& m,
                           std::uint32_t m_inv30) {
  const std::int32_t u = t.u, v = t.v, q = t.q, r = t.r;
  const std::int32_t sd = d.v[L - 1] >> 31, se = e.v[L - 1] >> 31; // 0 or -1
  std::int32_t md = (u & sd) + (v & se);
  std::int32_t me = (q & sd) + (r & se);
  std::int64_t cd = std::int64_t(u) * d.v[0] + std::int64_t(v) * e.v[0];
  std::int64_t ce = std::int64_t(q) * d.v[0] + std::int64_t(r) * e.v[0];
  md -= std::int32_t((m_inv30 * std::uint32_t(cd) + std::uint32_t(md)) & kMask30);
  me -= std::int32_t((m_inv30 * std::uint32_t(ce) + std::uint32_t(me)) & kMask30);
  cd += std::int64_t(m.v[0]) * md;
  ce += std::int64_t(m.v[0]) * me;
  cd >>= 30;
  ce >>= 30;
  for (std::size_t i = 1; i < L; ++i) {
    cd += std::int64_t(u) * d.v[i] + std::int64_t(v) * e.v[i] + std::int64_t(m.v[i]) * md;
    ce += std::int64_t(q) * d.v[i] + std::int64_t(r) * e.v[i] + std::int64_t(m.v[i]) * me;
    d.v[i - 1] = std::int32_t(cd & kMask30);
    e.v[i - 1] = std::int32_t(ce & kMask30);
    cd >>= 30;
    ce >>= 30;
  }
  d.v[L - 1] = std::int32_t(cd);
  e.v[L - 1] = std::int32_t(ce);
}

// Limb-wise results back to v[0..L-2] in [0, 2^30).
template <std::size_t L> constexpr void propagate_carries(Signed30<L>& x) {
  for (std::size_t i = 0; i + 1 < L; ++i) {
    x.v[i + 1] += x.v[i] >> 30;
    x.v[i] &= std::int32_t(kMask30);
  }
}

template <std::size_t L> constexpr void add_modulus(Signed30<L>& x, const Signed30<L>& m) {
  for (std::size_t i = 0; i < L; ++i)
    x.v[i] += m.v[i];
  propagate_carries(x);
}

} // namespace divsteps

// r = a^-1 mod m for 0 < a < m, m odd; false if there is none (gcd(a, m) != 1) or a is out of
// range. The same contract as inverse_mod.
template <std::size_t N>
constexpr bool inverse_mod_divsteps(Limbs<N>& result, const Limbs<N>& a, const Limbs<N>& m) {
  using namespace divsteps;
  if (is_zero(a) || compare(a, m) >= 0 || (m[0] & 1) == 0) return false;
  // Two limbs above the modulus's width: d and e live in (-2m, m), f and g in [-m, m].
  constexpr std::size_t L = N * kLimbBits / 30 + 2;
  Signed30<L> mod{}, f{}, g{}, d{}, e{};
  for (std::size_t i = 0; i < L; ++i) {
    mod.v[i] = std::int32_t(bits_at(m, 30 * i, 30));
    g.v[i] = std::int32_t(bits_at(a, 30 * i, 30));
  }
  f = mod;
  e.v[0] = 1;
  std::uint32_t m_inv30 = std::uint32_t(mod.v[0]); // correct mod 2^3; Newton doubles it
  for (int k = 0; k < 4; ++k)
    m_inv30 *= 2 - std::uint32_t(mod.v[0]) * m_inv30;
  m_inv30 &= kMask30;

  // Bernstein and Yang bound the steps for 384 bits near 1,100 (37 batches); the bound here is
  // for any N and far above it, so that a flaw can never become an endless loop.
  constexpr int kMaxBatches = int(N * kLimbBits) / 5 + 20;
  std::int32_t eta = -1;
  std::size_t len = L;
  for (int batch = 0;; ++batch) {
    if (batch == kMaxBatches) return inverse_mod(result, a, m);
    Matrix t{};
    eta = steps_30(eta, std::uint32_t(f.v[0]), std::uint32_t(g.v[0]), t);
    apply_to_de(d, e, t, mod, m_inv30);
    apply_to_fg(len, f, g, t);
    if (g.v[0] == 0) {
      std::int32_t rest = 0;
      for (std::size_t i = 1; i < len; ++i)
        rest |= g.v[i];
      if (rest == 0) break;
    }
    // When both top limbs are only sign (0 or -1), fold them into the limb below: the loop
    // then works on one limb fewer.
    const std::int32_t fn = f.v[len - 1], gn = g.v[len - 1];
    if (len >= 2 && (fn ^ (fn >> 31)) == 0 && (gn ^ (gn >> 31)) == 0) {
      f.v[len - 2] = std::int32_t(std::uint32_t(f.v[len - 2]) | (std::uint32_t(fn) << 30));
      g.v[len - 2] = std::int32_t(std::uint32_t(g.v[len - 2]) | (std::uint32_t(gn) << 30));
      --len;
    }
  }

  // g = 0, f = +-gcd(a, m): an inverse exists only if that is +-1, and then it is +-d.
  const bool negative = f.v[len - 1] < 0;
  for (std::size_t i = 0; i < len; ++i) {
    const std::int32_t want =
        negative ? (i + 1 == len ? -1 : std::int32_t(kMask30)) : (i == 0 ? 1 : 0);
    if (f.v[i] != want) return false;
  }
  // d in (-2m, m) -> (-m, m) -> times the sign -> [0, m).
  if (d.v[L - 1] < 0) add_modulus(d, mod);
  if (negative) {
    for (auto& x : d.v)
      x = -x;
    propagate_carries(d);
  }
  if (d.v[L - 1] < 0) add_modulus(d, mod);

  result = {};
  for (std::size_t i = 0; i < L; ++i) {
    const std::size_t pos = 30 * i;
    const std::size_t limb = pos / kLimbBits;
    const unsigned shift = pos % kLimbBits;
    if (limb >= N) break;
    const Limb bits = Limb(std::uint32_t(d.v[i]));
    result[limb] |= bits << shift;
    if (shift + 30 > kLimbBits && limb + 1 < N) result[limb + 1] |= bits >> (kLimbBits - shift);
  }
  return true;
}

} // namespace reelcheck::detail
