// Big-endian test values for modular arithmetic: conversions to and from the engine's limbs,
// and the edge inputs for a modulus (small values, values next to m, powers of two and runs of
// ones at every bit, m's own bit runs, m/2, random values). Shared by the modular inverse and
// Montgomery tests, which both run with the native and with the page's 32-bit limbs.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/fixed_width.hpp"
#include "support/p384_reference.hpp"

namespace reelcheck::test::modular_inputs {

namespace detail = reelcheck::detail;

inline Bytes from_hex(std::string_view hex) {
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::uint8_t(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  return out;
}

// m as big-endian bytes, m's length.
template <std::size_t N> inline Bytes be(const detail::Limbs<N>& v, std::size_t length) {
  Bytes out(length);
  detail::limbs_to_bytes(v, out);
  return out;
}
template <std::size_t N> inline detail::Limbs<N> limbs(const Bytes& v) {
  detail::Limbs<N> out{};
  EXPECT_TRUE(detail::limbs_from_bytes(v, out));
  return out;
}

// Big-endian arithmetic on m-length values, enough to build the edge inputs.
inline Bytes minus_small(Bytes v, unsigned k) { // v - k, v > k
  for (std::size_t i = v.size(); i-- > 0 && k;) {
    const unsigned x = v[i];
    v[i] = std::uint8_t(x - (k & 0xff));
    k = (k >> 8) + (x < (k & 0xff) ? 1 : 0);
  }
  return v;
}
inline Bytes power_of_two(std::size_t length, std::size_t bit) {
  Bytes v(length, 0);
  v[length - 1 - bit / 8] = std::uint8_t(1u << (bit % 8));
  return v;
}
inline bool below(const Bytes& a, const Bytes& m) {
  return a < m;
} // same length, big-endian
inline bool is_zero(const Bytes& a) {
  return a == Bytes(a.size(), 0);
}

// Every input for modulus m: the edges, then `random` random values below m. Nonzero, below m.
inline std::vector<Bytes> edge_inputs(const Bytes& m, std::size_t bits, std::size_t random,
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

} // namespace reelcheck::test::modular_inputs
