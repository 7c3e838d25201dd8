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
  // 2^(w-1) points per window. Natively w = 10 (40 windows x 512 points x 96 bytes = 1.9 MiB,
  // built once per process and shared by the threads): 20% fewer additions than w = 8. Each
  // Web Worker builds its own tables, so there w = 8 (49 x 128 x 96 bytes = 588 KiB) builds 3x
  // faster, which pays for the extra additions on a worker's share of one reel.
#if defined(__wasm__)
  static constexpr unsigned kWindowBits = 8;
#else
  static constexpr unsigned kWindowBits = 10;
#endif
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
