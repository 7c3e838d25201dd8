// NIST P-384 (secp384r1) for signature verification: field and order arithmetic, points in
// affine and Jacobian coordinates. Public data only, so variable-time; the exceptional cases
// of point addition (doubling, inverse points, infinity) are handled explicitly because
// hostile signatures can steer the sums into them.
#pragma once

#include <cstdint>
#include <span>

#include "crypto/fixed_width.hpp"
#include "crypto/p384_field.hpp"

namespace reelcheck::detail::p384 {

inline constexpr std::size_t kLimbs = kLimbsFor<384>;
inline constexpr std::size_t kBytes = 48;
using Element = Limbs<kLimbs>;     // a scalar (mod n), or a plain value below 2^384
using FieldElement = Field::Value; // a coordinate, in the field's representation

const Field& field();                     // arithmetic mod p
const MontgomeryModulus<kLimbs>& order(); // arithmetic mod n (the group order)

// Coordinates are in the field's representation (Field::encode).
struct AffinePoint {
  FieldElement x{}, y{};
};
struct JacobianPoint { // (X/Z^2, Y/Z^3)
  FieldElement x{}, y{}, z{};
  bool infinity = true;
};

const AffinePoint& generator();

// An uncompressed SEC 1 point (0x04 || X || Y) that lies on the curve. False otherwise
// (compressed forms, coordinates >= p, points off the curve).
bool decode_point(std::span<const std::uint8_t> sec1, AffinePoint& out);
bool on_curve(const AffinePoint& p);

void double_point(JacobianPoint& p);
// acc += q (or acc -= q when `negate`), q affine.
void add_affine(JacobianPoint& acc, const AffinePoint& q, bool negate = false);
// Affine form of p; false for the point at infinity.
bool to_affine(const JacobianPoint& p, AffinePoint& out);
// Affine forms of many finite points with one inversion (Montgomery's trick).
void to_affine_batch(std::span<const JacobianPoint> in, std::span<AffinePoint> out);

} // namespace reelcheck::detail::p384
