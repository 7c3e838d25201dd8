// A fixed-base table for one P-384 point B: for every w-bit window i, the affine points
// j * 2^(w*i) * B for j = 1 .. 2^(w-1). With the scalar recoded into signed w-bit digits,
// k * B is one affine addition per non-zero digit and no doubling at all.
//
// A device certificate verification computes u1*G + u2*Q for the generator G and the CA key Q,
// the same two points thousands of times, so both get a table built once and then shared
// read-only by every thread.
#pragma once

#include <vector>

#include "crypto/p384_batch_sum.hpp"
#include "crypto/p384_curve.hpp"

namespace reelcheck::detail::p384 {

// The window size w is a template parameter rather than chosen by the platform here, so that
// the native tests run the page's w = 8 next to the native w = 10 (each with its own edge
// cases), while each production build still compiles one fixed w into its hot loop. Which w a
// build uses is kProductionWindowBits (ecdsa_p384_fwd.hpp). Instantiated for 8 and, natively,
// 10 (p384_fixed_base_table.cpp).
template <unsigned WindowBits> class FixedBaseTable {
  // A signed digit must fit in an int and a window in one bits_at() read (<= 32 bits).
  static_assert(WindowBits >= 2 && WindowBits <= 16);

public:
  static constexpr unsigned kWindowBits = WindowBits;
  static constexpr unsigned kPointsPerWindow = 1u << (kWindowBits - 1);
  // One window more than 384/w for the carry out of the signed recoding.
  static constexpr unsigned kWindows = (384 + kWindowBits - 1) / kWindowBits + 1;

  explicit FixedBaseTable(const AffinePoint& base);

  // acc += k * base, for a plain (not Montgomery) scalar 0 <= k < n.
  void accumulate(JacobianPoint& acc, const Element& k) const;

  // k * base as table points to add (one per non-zero digit, at most kWindows), for sums
  // made elsewhere (BatchSum). Returns how many were written.
  std::size_t terms(const Element& k, std::span<Term, kWindows> out) const;

private:
  std::vector<AffinePoint> points_; // window-major
};

extern template class FixedBaseTable<8>;
extern template class FixedBaseTable<10>;

} // namespace reelcheck::detail::p384
