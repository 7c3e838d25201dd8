// A fixed-base table for one P-384 point B: for every w-bit window i, the affine points
// j * 2^(w*i) * B for j = 1 .. 2^(w-1). With the scalar recoded into signed w-bit digits,
// k * B is one affine addition per non-zero digit and no doubling at all.
//
// A device certificate verification computes u1*G + u2*Q for the generator G and the CA key Q,
// the same two points thousands of times, so both get a table built once and then shared
// read-only by every thread.
#pragma once

#include <vector>

#include "pki/p384_curve.hpp"

namespace reelcheck::detail::p384 {

class FixedBaseTable {
public:
  // 2^(w-1) points per window: w = 8 gives 49 windows x 128 points x 96 bytes = 602 KB.
  static constexpr unsigned kWindowBits = 8;
  static constexpr unsigned kPointsPerWindow = 1u << (kWindowBits - 1);
  // One window more than 384/w for the carry out of the signed recoding.
  static constexpr unsigned kWindows = (384 + kWindowBits - 1) / kWindowBits + 1;

  explicit FixedBaseTable(const AffinePoint& base);

  // acc += k * base, for a plain (not Montgomery) scalar 0 <= k < n.
  void accumulate(JacobianPoint& acc, const Element& k) const;

private:
  std::vector<AffinePoint> points_; // window-major
};

} // namespace reelcheck::detail::p384
