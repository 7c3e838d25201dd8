#include "crypto/p384_curve.hpp"

#include <vector>

namespace reelcheck::detail::p384 {
namespace {

// SEC 2 / FIPS 186-4 D.1.2.4 (p is in p384_field.hpp)
constexpr std::string_view kN = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
                                "581a0db248b0a77aecec196accc52973";
constexpr std::string_view kB = "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a"
                                "c656398d8a2ed19d2a85c8edd3ec2aef";
constexpr std::string_view kGx = "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a38"
                                 "5502f25dbf55296c3a545e3872760ab7";
constexpr std::string_view kGy = "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c0"
                                 "0a60b1ce1d7e819d7a431d7c90ea0e5f";

FieldElement field_constant(std::string_view hex) {
  FieldElement v{};
  field().encode(v, limbs_from_hex<kLimbs>(hex));
  return v;
}

const FieldElement& curve_b() {
  static const FieldElement b = field_constant(kB);
  return b;
}

} // namespace

const Field& field() {
  static constexpr Field f;
  return f;
}

const MontgomeryModulus<kLimbs>& order() {
  static const MontgomeryModulus<kLimbs> m(limbs_from_hex<kLimbs>(kN));
  return m;
}

const AffinePoint& generator() {
  static const AffinePoint g{field_constant(kGx), field_constant(kGy)};
  return g;
}

bool on_curve(const AffinePoint& p) {
  // y^2 == x^3 - 3x + b
  const auto& f = field();
  FieldElement lhs{}, rhs{}, t{};
  f.sqr(lhs, p.y);
  f.sqr(rhs, p.x);
  f.mul(rhs, rhs, p.x);
  f.add(t, p.x, p.x);
  f.add(t, t, p.x);
  f.sub(rhs, rhs, t);
  f.add(rhs, rhs, curve_b());
  return f.equal(lhs, rhs);
}

bool decode_point(std::span<const std::uint8_t> sec1, AffinePoint& out) {
  if (sec1.size() != 1 + 2 * kBytes || sec1[0] != 0x04) return false;
  Element x{}, y{};
  if (!limbs_from_bytes(sec1.subspan(1, kBytes), x) ||
      !limbs_from_bytes(sec1.subspan(1 + kBytes, kBytes), y))
    return false;
  const auto& f = field();
  if (compare(x, f.modulus()) >= 0 || compare(y, f.modulus()) >= 0) return false;
  f.encode(out.x, x);
  f.encode(out.y, y);
  return on_curve(out);
}

void double_point(JacobianPoint& p) {
  // dbl-2001-b (a = -3). No point of order 2 exists on P-384, so Y is never 0 here.
  if (p.infinity) return;
  const auto& f = field();
  FieldElement delta{}, gamma{}, beta{}, alpha{}, t{}, u{};
  f.sqr(delta, p.z);
  f.sqr(gamma, p.y);
  f.mul(beta, p.x, gamma);
  f.sub(t, p.x, delta);
  f.add(u, p.x, delta);
  f.mul(alpha, t, u);
  f.add(t, alpha, alpha);
  f.add(alpha, t, alpha); // alpha = 3 (X - delta)(X + delta)
  // Z3 = (Y + Z)^2 - gamma - delta
  f.add(t, p.y, p.z);
  f.sqr(t, t);
  f.sub(t, t, gamma);
  f.sub(p.z, t, delta);
  // X3 = alpha^2 - 8 beta
  f.add(beta, beta, beta);
  f.add(beta, beta, beta); // 4 beta
  f.sqr(t, alpha);
  f.add(u, beta, beta);
  f.sub(p.x, t, u);
  // Y3 = alpha (4 beta - X3) - 8 gamma^2
  f.sub(t, beta, p.x);
  f.mul(t, alpha, t);
  f.sqr(gamma, gamma);
  f.add(gamma, gamma, gamma);
  f.add(gamma, gamma, gamma);
  f.add(gamma, gamma, gamma);
  f.sub(p.y, t, gamma);
}

void add_affine(JacobianPoint& acc, const AffinePoint& q, bool negate) {
  const auto& f = field();
  FieldElement qy = q.y;
  if (negate) f.neg(qy, q.y);
  if (acc.infinity) {
    acc.x = q.x;
    acc.y = qy;
    acc.z = f.one();
    acc.infinity = false;
    return;
  }
  // add-2007-bl with Z2 = 1: U2 = x2 Z1^2, S2 = y2 Z1^3, H = U2 - X1, r = S2 - Y1.
  FieldElement z1z1{}, u2{}, s2{}, h{}, r{};
  f.sqr(z1z1, acc.z);
  f.mul(u2, q.x, z1z1);
  f.mul(s2, acc.z, z1z1);
  f.mul(s2, qy, s2);
  f.sub(h, u2, acc.x);
  f.sub(r, s2, acc.y);
  if (f.is_zero(h)) {
    if (f.is_zero(r)) {
      double_point(acc); // acc == q
    } else {
      acc.infinity = true; // acc == -q
    }
    return;
  }
  FieldElement hh{}, hhh{}, v{}, t{};
  f.sqr(hh, h);
  f.mul(hhh, h, hh);
  f.mul(v, acc.x, hh);
  // X3 = r^2 - H^3 - 2V
  f.sqr(t, r);
  f.sub(t, t, hhh);
  f.sub(t, t, v);
  f.sub(acc.x, t, v);
  // Y3 = r (V - X3) - Y1 H^3
  f.sub(v, v, acc.x);
  f.mul(v, r, v);
  f.mul(t, acc.y, hhh);
  f.sub(acc.y, v, t);
  // Z3 = Z1 H
  f.mul(acc.z, acc.z, h);
}

bool to_affine(const JacobianPoint& p, AffinePoint& out) {
  if (p.infinity) return false;
  to_affine_batch(std::span(&p, 1), std::span(&out, 1));
  return true;
}

void to_affine_batch(std::span<const JacobianPoint> in, std::span<AffinePoint> out) {
  const auto& f = field();
  std::vector<FieldElement> z(in.size()), prefix;
  for (std::size_t i = 0; i < in.size(); ++i)
    z[i] = in[i].z; // non-zero: the points are finite
  f.inverse_each(z, z, prefix);
  for (std::size_t i = 0; i < in.size(); ++i) {
    FieldElement zinv2{}, zinv3{};
    f.sqr(zinv2, z[i]);
    f.mul(zinv3, zinv2, z[i]);
    f.mul(out[i].x, in[i].x, zinv2);
    f.mul(out[i].y, in[i].y, zinv3);
  }
}

} // namespace reelcheck::detail::p384
