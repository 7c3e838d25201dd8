// Sums of fixed-base table points for many scalars at once, in affine coordinates.
//
// One verification adds about a hundred table points into one sum. Added one at a time, each
// addition is a mixed Jacobian one (8 multiplications and 3 squarings), because an affine
// addition needs an inversion. Across many sums, every step needs one inversion per sum, and
// Montgomery's trick turns them into one inversion and 3 multiplications each: an affine
// addition then costs 6 multiplications, and the sum ends in affine form (no Z to divide out).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/p384_curve.hpp"

namespace reelcheck::detail::p384 {

// One addend: a table point, or its negative.
struct Term {
  const AffinePoint* point = nullptr;
  bool negative = false;
};

enum class LaneSum : std::uint8_t {
  kFinite,     // the sum is in `sums`
  kInfinity,   // no terms
  kExceptional // a step added a point with the sum's own x (a doubling, or P + -P): not summed
};

// For each lane i, sums[i] = the sum of lanes[i]'s terms, in order. A lane that meets an
// exceptional case stops there (status kExceptional): only crafted scalars get there, and the
// caller computes that lane with the general addition. The spans have one entry per lane.
class BatchSum {
public:
  void run(std::span<const std::span<const Term>> lanes, std::span<AffinePoint> sums,
           std::span<LaneSum> status);

private:
  // Per step, reused: the lanes still adding, and the inversion's operands and scratch.
  std::vector<std::uint32_t> active_, inverting_;
  std::vector<std::uint32_t> next_;
  std::vector<FieldElement> denominators_, prefix_;
};

} // namespace reelcheck::detail::p384
