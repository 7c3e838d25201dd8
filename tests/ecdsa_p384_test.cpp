// The verify-only P-384 engine, judged by OpenSSL and mbedTLS: the arithmetic underneath it,
// every exceptional case of point addition reached by a crafted signature, and a differential
// run over random valid and damaged signatures. The tables and the engine run at both window
// sizes a build uses, w = 8 (the page) and w = 10 (native), whichever this build runs in
// production: the edge cases that depend on w are crafted for each.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <random>
#include <stdexcept>
#include <utility>

#include "crypto/ecdsa_p384.hpp"
#include "crypto/p384_batch_sum.hpp"
#include "crypto/p384_curve.hpp"
#include "crypto/p384_fixed_base_table.hpp"
#include "support/p384_reference.hpp"

using namespace reelcheck;
using namespace reelcheck::test;
namespace math = reelcheck::test::p384_math;
using detail::p384::Element;

// Every window size the engine is built with is tested here.
static_assert(detail::p384::kProductionWindowBits == 8 ||
              detail::p384::kProductionWindowBits == 10);

namespace {

// Runs f.operator()<w>() for w = 8 and w = 10, each under a trace naming w.
template <class F> void for_each_window(F&& f) {
  {
    SCOPED_TRACE("w = 8");
    f.template operator()<8>();
  }
  {
    SCOPED_TRACE("w = 10");
    f.template operator()<10>();
  }
}

// Sanitizers run the same code paths 20x slower; the 32-bit-limb build repeats the suite for
// the arithmetic the page runs. Both take fewer differential cases.
constexpr bool kShortRun =
#if defined(REELCHECK_SANITIZED_BUILD) || defined(REELCHECK_LIMB32)
    true;
#else
    false;
#endif

// Under the sanitizers the random differential asks mbedTLS about every 4th case only: there
// mbedTLS runs instrumented and was 60% of the differential's time, while what the sanitizers
// are for (the engine on thousands of valid and damaged signatures) and the OpenSSL oracle still
// see every case. The release build compares every case with both; the edge cases always do.
constexpr std::size_t kMbedtlsEvery =
#if defined(REELCHECK_SANITIZED_BUILD)
    4;
#else
    1;
#endif

Element element(const Bytes& be) {
  Element e{};
  EXPECT_TRUE(detail::limbs_from_bytes(std::span(be), e));
  return e;
}
Bytes bytes(const Element& e) {
  Bytes out(48);
  detail::limbs_to_bytes(e, std::span(out));
  return out;
}
Bytes hex(std::string_view h) {
  Bytes out(h.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::uint8_t(std::stoi(std::string(h.substr(2 * i, 2)), nullptr, 16));
  return out;
}
Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const Bytes kP = hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
                     "ffffffff0000000000000000ffffffff");

// Interesting 48-byte values below `m`: 0, 1, 2, m-1, m-2, limb-boundary powers of two, and
// random values.
std::vector<Bytes> edge_values(const Bytes& m, std::mt19937_64& rng, std::size_t random) {
  std::vector<Bytes> out = {math::small(0), math::small(1), math::small(2)};
  Bytes m1 = m, m2 = m;
  m1.back() = std::uint8_t(m1.back() - 1);
  m2.back() = std::uint8_t(m2.back() - 2);
  out.push_back(m1);
  out.push_back(m2);
  for (int bit : {31, 32, 63, 64, 127, 128, 191, 255, 256, 383}) {
    Bytes v(48, 0);
    v[47 - bit / 8] = std::uint8_t(1u << (bit % 8));
    out.push_back(v);
  }
  Bytes ones(48, 0xff);
  ones[0] = 0x7f;
  out.push_back(ones);
  for (std::size_t i = 0; i < random; ++i) {
    Bytes v(48);
    for (auto& b : v)
      b = std::uint8_t(rng());
    v[0] &= 0x7f; // below both p and n
    out.push_back(v);
  }
  return out;
}

// The scalar whose w-bit windows each hold `digit` (< 2^w), for every whole window below bit
// 384 (the top bits of a partial last window stay 0). For w = 8 and digit 0x80: 0x8080...80.
Bytes repeated_window(unsigned w, unsigned digit) {
  Bytes v(48, 0);
  for (unsigned pos = 0; pos + w <= 384; pos += w)
    for (unsigned b = 0; b < w; ++b)
      if ((digit >> b) & 1) v[47 - (pos + b) / 8] |= std::uint8_t(1u << ((pos + b) % 8));
  return v;
}

// The affine encoding (0x04 || x || y) of a Jacobian point, or {} at infinity.
Bytes encode(const detail::p384::JacobianPoint& p) {
  detail::p384::AffinePoint a;
  if (!detail::p384::to_affine(p, a)) return {};
  Element x{}, y{};
  detail::p384::field().decode(x, a.x);
  detail::p384::field().decode(y, a.y);
  return concat(concat(Bytes{0x04}, bytes(x)), bytes(y));
}

Bytes encode_affine(const detail::p384::AffinePoint& a) {
  Element x{}, y{};
  detail::p384::field().decode(x, a.x);
  detail::p384::field().decode(y, a.y);
  return concat(concat(Bytes{0x04}, bytes(x)), bytes(y));
}

} // namespace

// ---- arithmetic ---------------------------------------------------------------------------

TEST(P384Arithmetic, OrderArithmeticMatchesOpenSsl) {
  std::mt19937_64 rng(1);
  const auto& n = detail::p384::order();
  const auto values = edge_values(math::order(), rng, 40);
  for (const auto& a : values) {
    for (const auto& b : values) {
      Element am{}, bm{}, prod{};
      n.to_montgomery(am, element(a));
      n.to_montgomery(bm, element(b));
      n.mul(prod, am, bm);
      n.from_montgomery(prod, prod);
      ASSERT_EQ(bytes(prod), math::mul(a, b));
      Element sum{}, diff{};
      n.add(sum, element(a), element(b));
      n.sub(diff, element(a), element(b));
      ASSERT_EQ(bytes(sum), math::add(a, b));
      ASSERT_EQ(bytes(diff), math::sub(a, b));
    }
    Element inv{};
    if (a == math::small(0)) {
      EXPECT_FALSE(n.inverse(inv, element(a)));
    } else {
      ASSERT_TRUE(n.inverse(inv, element(a)));
      ASSERT_EQ(bytes(inv), math::inverse(a));
    }
  }
  Element inv{};
  EXPECT_FALSE(n.inverse(inv, element(math::order()))) << "a >= m has no inverse here";
}

TEST(P384Arithmetic, FieldProductsMatchOpenSsl) {
  // The fast reduction's folds and final subtractions are reached by products near p^2, near
  // multiples of 2^384, and by values with long runs of ones and zeros.
  std::mt19937_64 rng(5);
  const auto& f = detail::p384::field();
  ASSERT_EQ(kP, math::prime());
  std::vector<Bytes> values = edge_values(kP, rng, 60);
  for (const char* h : {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                        "00000000ffffffffffffffff00000000",
                        "0000000000000000000000000000000000000000000000000000000000000001"
                        "000000000000000000000000ffffffff",
                        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
                        "ffffffff0000000000000001000000000"}) {
    Bytes v = hex(std::string_view(h).substr(0, 96));
    values.push_back(v);
  }
  for (int i = 0; i < 40; ++i) { // random values just below p
    Bytes v = kP;
    for (int j = 40; j < 48; ++j)
      v[j] = std::uint8_t(rng());
    if (v >= kP) v.back() = 0;
    values.push_back(v);
  }
  using detail::p384::FieldElement;
  for (const auto& a : values) {
    FieldElement am{};
    f.encode(am, element(a));
    for (const auto& b : values) {
      FieldElement bm{}, prod{};
      f.encode(bm, element(b));
      f.mul(prod, am, bm);
      Element plain{};
      f.decode(plain, prod);
      ASSERT_EQ(bytes(plain), math::field_mul(a, b));
    }
    FieldElement sq{};
    f.sqr(sq, am);
    Element plain{};
    f.decode(plain, sq);
    ASSERT_EQ(bytes(plain), math::field_mul(a, a));
  }
}

TEST(P384Arithmetic, FieldArithmeticMatchesTextbookIdentities) {
  // OpenSSL's scalar helpers work mod n; for p, check identities that a wrong reduction
  // breaks: (a*b)*b^-1 == a, a + (p - a) == 0, and Montgomery round trips.
  std::mt19937_64 rng(2);
  const auto& f = detail::p384::field();
  using detail::p384::FieldElement;
  for (const auto& a : edge_values(kP, rng, 60)) {
    FieldElement am{};
    f.encode(am, element(a));
    for (const auto& b : edge_values(kP, rng, 6)) {
      if (b == math::small(0)) continue;
      FieldElement bm{}, prod{}, binv{}, back{};
      f.encode(bm, element(b));
      f.mul(prod, am, bm);
      ASSERT_TRUE(f.inverse(binv, bm));
      f.mul(back, prod, binv);
      Element plain{};
      f.decode(plain, back);
      ASSERT_EQ(bytes(plain), a);
      ASSERT_TRUE(f.equal(back, am));
      FieldElement neg{}, zero{}, diff{};
      f.neg(neg, am);
      f.add(zero, neg, am);
      ASSERT_TRUE(f.is_zero(zero));
      f.sub(diff, am, bm);
      ASSERT_EQ(f.is_zero(diff), a == b);
      ASSERT_EQ(f.equal(am, bm), a == b);
    }
  }
  FieldElement zero{};
  ASSERT_FALSE(f.inverse(zero, FieldElement{})) << "0 has no inverse";
}

TEST(P384Arithmetic, RepresentationsFromPTo2PStandForTheirResidues) {
  // The page's field (Radix29Field, 32-bit limbs) keeps values below 2p, not below p: x and
  // x + p are the same element. Build x + p by hand and check that every operation agrees.
  // Natively (SolinasField, fully reduced) there is one representation and nothing to check.
  []<class F>() {
    if constexpr (requires { F::kDigits; }) {
      using V = typename F::Value;
      const auto split = [](const Element& e) { // plain limbs -> 29-bit digits
        V d{};
        for (std::size_t bit = 0; bit < 384; ++bit)
          if ((e[bit / detail::kLimbBits] >> (bit % detail::kLimbBits)) & 1)
            d[bit / F::kDigitBits] |= std::uint32_t(1) << (bit % F::kDigitBits);
        return d;
      };
      const auto digits = [&](const Bytes& be) { return split(element(be)); };
      const auto plus_p = [&](const V& x) { // digit-wise x + p, normalised
        const V p = split(F::kModulus);
        V y{};
        std::uint64_t carry = 0;
        for (std::size_t i = 0; i < y.size(); ++i) {
          carry += std::uint64_t(x[i]) + p[i];
          y[i] = std::uint32_t(carry & ((1u << F::kDigitBits) - 1));
          carry >>= F::kDigitBits;
        }
        return y;
      };
      std::mt19937_64 rng(9);
      const auto values = edge_values(kP, rng, 20);
      for (const auto& a : values) {
        const V x = digits(a); // a itself, below p: the Montgomery form of a R^-1
        const V y = plus_p(x);
        ASSERT_TRUE(F::equal(x, y));
        ASSERT_EQ(F::is_zero(y), a == math::small(0));
        Element dx{}, dy{};
        F::decode(dx, x);
        F::decode(dy, y);
        ASSERT_EQ(dx, dy);
        for (const auto& b : values) {
          const V z = digits(b);
          V px{}, py{}, sx{}, sy{};
          F::mul(px, x, z);
          F::mul(py, y, plus_p(z));
          ASSERT_TRUE(F::equal(px, py));
          F::add(sx, x, z);
          F::add(sy, y, plus_p(z));
          ASSERT_TRUE(F::equal(sx, sy));
          F::sub(sx, x, z);
          F::sub(sy, y, z);
          ASSERT_TRUE(F::equal(sx, sy));
        }
        V inv_x{}, inv_y{};
        if (a != math::small(0)) {
          ASSERT_TRUE(F::inverse(inv_x, x));
          ASSERT_TRUE(F::inverse(inv_y, y));
          ASSERT_TRUE(F::equal(inv_x, inv_y));
        } else {
          ASSERT_FALSE(F::inverse(inv_y, y)) << "p stands for 0";
        }
      }
      // The largest representation, 2p - 1 (= p - 1), squared: the column sums' bound.
      Bytes p_minus_1 = kP;
      p_minus_1.back() = std::uint8_t(p_minus_1.back() - 1);
      const V top = plus_p(digits(p_minus_1));
      V sq{}, expected{};
      F::sqr(sq, top);
      F::mul(expected, digits(p_minus_1), digits(p_minus_1));
      ASSERT_TRUE(F::equal(sq, expected));
      // The same through the product, whose middle Karatsuba product takes the halves' sums
      // (digits up to 2^30 - 2): its column bound.
      V prod{};
      F::mul(prod, top, top);
      ASSERT_TRUE(F::equal(prod, expected));
      Element plain{};
      F::decode(plain, sq);
      V one_plain{};
      one_plain[0] = 1;
      Element unit{};
      F::decode(unit, one_plain); // R^-1
      ASSERT_EQ(bytes(plain), math::field_mul(math::field_mul(p_minus_1, p_minus_1),
                                              math::field_mul(bytes(unit), bytes(unit))));
    }
  }.template operator()<detail::p384::Field>();
}

// ---- points -------------------------------------------------------------------------------

TEST(P384Points, FixedBaseMultiplesOfGMatchOpenSsl) {
  for_each_window([]<unsigned W>() {
    const detail::p384::FixedBaseTable<W> table(detail::p384::generator());
    constexpr unsigned kHalf = 1u << (W - 1);
    std::mt19937_64 rng(3);
    std::vector<Bytes> scalars = edge_values(math::order(), rng, 30);
    // Digits exactly at the signed-window boundary (+2^(w-1): no carry) and just past it
    // (carries through every window), and the top of the range.
    scalars.push_back(repeated_window(W, kHalf));
    scalars.push_back(repeated_window(W, kHalf + 1));
    scalars.push_back(repeated_window(W, kHalf - 1));
    scalars.push_back(math::sub(math::order(), math::small(1)));     // -G
    scalars.push_back(math::sub(math::order(), math::small(kHalf))); // -2^(w-1) G
    scalars.push_back(math::small(0)); // no terms: an empty lane in the batch below
    scalars.push_back(math::small(1)); // one term
    using Terms = std::array<detail::p384::Term, detail::p384::FixedBaseTable<W>::kWindows>;
    std::vector<Terms> terms(scalars.size());
    std::vector<std::span<const detail::p384::Term>> lanes;
    for (std::size_t i = 0; i < scalars.size(); ++i) {
      const Bytes& k = scalars[i];
      detail::p384::JacobianPoint acc;
      table.accumulate(acc, element(math::mod_n(k)));
      lanes.emplace_back(terms[i].data(), table.terms(element(math::mod_n(k)), terms[i]));
      if (math::mod_n(k) == math::small(0)) {
        EXPECT_TRUE(acc.infinity);
        continue;
      }
      ASSERT_EQ(encode(acc), math::multiple_point(k));
    }
    // The same multiples side by side, in affine coordinates with one inversion per step.
    std::vector<detail::p384::AffinePoint> sums(lanes.size());
    std::vector<detail::p384::LaneSum> status(lanes.size());
    detail::p384::BatchSum().run(lanes, sums, status);
    for (std::size_t i = 0; i < lanes.size(); ++i) {
      SCOPED_TRACE("lane " + std::to_string(i));
      if (math::mod_n(scalars[i]) == math::small(0)) {
        EXPECT_EQ(status[i], detail::p384::LaneSum::kInfinity);
        continue;
      }
      ASSERT_EQ(status[i], detail::p384::LaneSum::kFinite);
      ASSERT_EQ(encode_affine(sums[i]), math::multiple_point(scalars[i]));
    }
  });
}

TEST(P384Points, BatchSumStopsALaneThatMeetsItsOwnX) {
  // Lanes of G's table points: 1G + 1G (a doubling), 1G - 1G (inverse points), and beside
  // them lanes that go on: each stops alone, and the others' sums are still right.
  const detail::p384::FixedBaseTable<8> table(detail::p384::generator());
  std::array<detail::p384::Term, detail::p384::FixedBaseTable<8>::kWindows> g{}, two_g{};
  ASSERT_EQ(table.terms(element(math::small(1)), g), 1u);
  ASSERT_EQ(table.terms(element(math::small(2)), two_g), 1u);
  const detail::p384::Term doubling[] = {g[0], g[0], two_g[0]};
  const detail::p384::Term inverse[] = {g[0], {g[0].point, true}};
  const detail::p384::Term three_g[] = {g[0], two_g[0]};
  const detail::p384::Term minus_g_plus_two_g_plus_two_g[] = {
      {g[0].point, true}, two_g[0], two_g[0]};
  const std::span<const detail::p384::Term> lanes[] = {three_g, doubling, inverse,
                                                       minus_g_plus_two_g_plus_two_g};
  std::vector<detail::p384::AffinePoint> sums(4);
  std::vector<detail::p384::LaneSum> status(4);
  detail::p384::BatchSum().run(lanes, sums, status);
  EXPECT_EQ(status[0], detail::p384::LaneSum::kFinite);
  EXPECT_EQ(encode_affine(sums[0]), math::multiple_point(math::small(3)));
  EXPECT_EQ(status[1], detail::p384::LaneSum::kExceptional);
  EXPECT_EQ(status[2], detail::p384::LaneSum::kExceptional);
  EXPECT_EQ(status[3], detail::p384::LaneSum::kFinite);
  EXPECT_EQ(encode_affine(sums[3]), math::multiple_point(math::small(3)));
}

TEST(P384Points, BoundaryScalarsPutADigitOnTheBoundaryInEveryWindow) {
  // The boundary scalars above are crafted per window size: at w = 8 they are the bytes 0x80,
  // 0x81 and 0x7f repeated; the same bytes at w = 10 put no digit on its boundary.
  EXPECT_EQ(repeated_window(8, 0x80), Bytes(48, 0x80));
  EXPECT_EQ(repeated_window(8, 0x81), Bytes(48, 0x81));
  EXPECT_EQ(repeated_window(8, 0x7f), Bytes(48, 0x7f));
  const Element k = element(repeated_window(10, 0x200));
  for (unsigned pos = 0; pos < 380; pos += 10)
    EXPECT_EQ(detail::bits_at(k, pos, 10), 0x200u) << "window at bit " << pos;
  EXPECT_EQ(detail::bits_at(k, 380, 4), 0u);
}

TEST(P384Points, TableOfAnyKeyMatchesOpenSsl) {
  for_each_window([]<unsigned W>() {
    std::mt19937_64 rng(4);
    const Bytes d = math::mod_n(edge_values(math::order(), rng, 1).back());
    detail::p384::AffinePoint q;
    ASSERT_TRUE(detail::p384::decode_point(math::multiple_point(d), q));
    const detail::p384::FixedBaseTable<W> table(q);
    for (const auto& k : edge_values(math::order(), rng, 10)) {
      if (k == math::small(0)) continue;
      detail::p384::JacobianPoint acc;
      table.accumulate(acc, element(k));
      ASSERT_EQ(encode(acc), math::multiple_point(math::mul(k, d)));
    }
  });
}

TEST(P384Points, DecodeRefusesPointsOffTheCurveAndBadEncodings) {
  Bytes g = math::multiple_point(math::small(1));
  detail::p384::AffinePoint out;
  EXPECT_TRUE(detail::p384::decode_point(g, out));
  Bytes off = g;
  off.back() ^= 1;
  EXPECT_FALSE(detail::p384::decode_point(off, out));
  Bytes compressed(g.begin(), g.begin() + 49);
  compressed[0] = 0x02;
  EXPECT_FALSE(detail::p384::decode_point(compressed, out));
  Bytes big_x = concat(concat(Bytes{0x04}, kP), Bytes(g.begin() + 49, g.end())); // x = p
  EXPECT_FALSE(detail::p384::decode_point(big_x, out));
  EXPECT_FALSE(detail::p384::decode_point(Bytes(97, 0), out));
}

// ---- exceptional cases, reached by crafted signatures ---------------------------------------

namespace {

struct Verdicts {
  bool engine_w8, engine_w10, batch_w8, batch_w10, openssl, mbedtls;
};

// Signatures of another key to fill a batch around the case judged, valid and not by turns;
// its engines live as long as the test program, so their tables are built once.
struct Filler {
  OpenSslP384Key key = OpenSslP384Key::generate();
  std::vector<Bytes> digests, signatures;
  std::shared_ptr<const detail::BasicEcdsaP384Verifier<8>> w8 =
      detail::BasicEcdsaP384Verifier<8>::create(key.point());
  std::shared_ptr<const detail::BasicEcdsaP384Verifier<10>> w10 =
      detail::BasicEcdsaP384Verifier<10>::create(key.point());
  Filler() {
    for (std::uint8_t i = 0; i < 12; ++i) {
      digests.emplace_back(48, std::uint8_t(i + 1));
      signatures.push_back(key.sign(digests.back()));
      if (i % 2) signatures.back()[10] ^= 0x04; // a bit of r
    }
  }
  template <unsigned W> const detail::BasicEcdsaP384Verifier<W>* engine() const {
    if constexpr (W == 8)
      return w8.get();
    else
      return w10.get();
  }
};
const Filler& filler() {
  static const Filler f;
  return f;
}

// The engine's verdict alone, and in the middle of a batch large enough to take the batch's
// own path (the filler's verdicts must come out right too). One engine for both: its table is
// built once.
template <unsigned W>
std::pair<bool, bool> engine_says(const Bytes& point, const Bytes& digest, const Bytes& sig) {
  using Engine = detail::BasicEcdsaP384Verifier<W>;
  const auto engine = Engine::create(point);
  const Engine* other = filler().engine<W>();
  if (!engine || !other) {
    ADD_FAILURE() << "no engine, w = " << W;
    return {false, false};
  }
  std::vector<typename Engine::Signed> batch;
  for (std::size_t i = 0; i < filler().digests.size(); ++i) {
    if (i == 6) batch.push_back({engine.get(), digest, sig});
    batch.push_back({other, filler().digests[i], filler().signatures[i]});
  }
  const std::vector<bool> verdicts = Engine::verify_batch(batch);
  for (std::size_t i = 0, f = 0; i < batch.size(); ++i)
    if (i != 6) {
      EXPECT_EQ(verdicts[i], f % 2 == 0) << "filler " << f << " in the batch, w = " << W;
      ++f;
    }
  return {engine->verify(digest, sig), verdicts[6]};
}

// The engine at both window sizes, alone and in a batch, and the two references.
Verdicts judge(const Bytes& point, const Bytes& digest, const Bytes& sig) {
  const auto [alone_w8, batch_w8] = engine_says<8>(point, digest, sig);
  const auto [alone_w10, batch_w10] = engine_says<10>(point, digest, sig);
  return Verdicts{alone_w8,
                  alone_w10,
                  batch_w8,
                  batch_w10,
                  OpenSslP384Key::from_point(point).verify(digest, sig),
                  MbedtlsP384Verifier(point).verify(digest, sig)};
}

#define EXPECT_ALL(point, digest, sig, expected)                                                   \
  do {                                                                                             \
    const Verdicts v = judge(point, digest, sig);                                                  \
    EXPECT_EQ(v.engine_w8, expected) << "engine, w = 8";                                           \
    EXPECT_EQ(v.engine_w10, expected) << "engine, w = 10";                                         \
    EXPECT_EQ(v.batch_w8, expected) << "engine in a batch, w = 8";                                 \
    EXPECT_EQ(v.batch_w10, expected) << "engine in a batch, w = 10";                               \
    EXPECT_EQ(v.openssl, expected) << "OpenSSL";                                                   \
    EXPECT_EQ(v.mbedtls, expected) << "mbedTLS";                                                   \
  } while (0)

// A valid signature for key Q = d*G with u1 = a and u2 = b chosen freely: R = (a + b d) G,
// r = x(R), s = r / b, e = a s. The digest is e itself (48 bytes).
struct Crafted {
  Bytes digest, signature;
};
Crafted craft(const Bytes& d, const Bytes& a, const Bytes& b) {
  const Bytes k = math::add(a, math::mul(b, d));
  const Bytes r = math::mod_n(math::x_of_multiple(k));
  const Bytes s = math::mul(r, math::inverse(b));
  return Crafted{math::mul(a, s), math::der_signature(r, s)};
}

} // namespace

TEST(EcdsaP384Edges, PartialSumEqualToTheTablePointIsADoubling) {
  // Q = G: after the G pass the sum is 5G and the Q pass adds 5G again (P == Q).
  const Bytes one = math::small(1), five = math::small(5);
  const Crafted c = craft(one, five, five);
  EXPECT_ALL(math::multiple_point(one), c.digest, c.signature, true);
}

TEST(EcdsaP384Edges, PartialSumPassingThroughInfinityContinues) {
  // Q = G, u1 = 5, u2 = 2^w - 5: digits (-5, +1): 5G - 5G = infinity, then + 2^w G. Crafted for
  // each w (251 for w = 8 is a single digit at w = 10); each engine must accept both.
  const Bytes one = math::small(1);
  for (const unsigned w : {8u, 10u}) {
    SCOPED_TRACE("crafted for w = " + std::to_string(w));
    const Crafted c = craft(one, math::small(5), math::small((1u << w) - 5));
    EXPECT_ALL(math::multiple_point(one), c.digest, c.signature, true);
  }
}

TEST(EcdsaP384Edges, SumAtInfinityIsRejected) {
  // u2 Q = -u1 G: the sum is the point at infinity, which has no x to compare.
  const Bytes d = math::small(0x1234567);
  const Bytes r = math::mod_n(math::x_of_multiple(math::small(99)));
  const Bytes s = math::small(7);
  const Bytes e = math::sub(math::small(0), math::mul(r, d)); // e = -r d
  EXPECT_ALL(math::multiple_point(d), e, math::der_signature(r, s), false);
}

TEST(EcdsaP384Edges, ZeroHashMeansU1IsZero) {
  // e = 0 (and e = n, which reduces to 0): R = u2 Q only.
  const Bytes d = math::small(0xdeadbeef);
  const Bytes k = math::small(424242);
  const Bytes r = math::mod_n(math::x_of_multiple(k));
  const Bytes s = math::mul(math::inverse(k), math::mul(r, d)); // s = k^-1 (0 + r d)
  const Bytes sig = math::der_signature(r, s);
  EXPECT_ALL(math::multiple_point(d), math::small(0), sig, true);
  EXPECT_ALL(math::multiple_point(d), math::order(), sig, true);
}

TEST(EcdsaP384Edges, SEqualToOneAndToNMinusOneVerify) {
  const Bytes d = math::small(77);
  const Bytes k = math::small(1000003);
  const Bytes r = math::mod_n(math::x_of_multiple(k));
  // s = 1: k = e + r d, so e = k - r d
  const Bytes e1 = math::sub(k, math::mul(r, d));
  EXPECT_ALL(math::multiple_point(d), e1, math::der_signature(r, math::small(1)), true);
  // s = n - 1 = -1: k = -(e + r d), so e = -k - r d
  const Bytes e2 = math::sub(math::sub(math::small(0), k), math::mul(r, d));
  const Bytes n1 = math::sub(math::order(), math::small(1));
  EXPECT_ALL(math::multiple_point(d), e2, math::der_signature(r, n1), true);
}

TEST(EcdsaP384Edges, OutOfRangeRAndSAreRejected) {
  const Bytes d = math::small(5);
  const Bytes point = math::multiple_point(d);
  const Bytes digest(48, 0x42);
  const Bytes n = math::order();
  const Bytes n1 = math::sub(n, math::small(1));
  Bytes n_plus_1 = n;
  n_plus_1.back() = std::uint8_t(n_plus_1.back() + 1);
  const Bytes all_ones(48, 0xff);
  for (const auto& bad : {math::small(0), n, n_plus_1, all_ones}) {
    EXPECT_ALL(point, digest, math::der_signature(bad, math::small(3)), false);
    EXPECT_ALL(point, digest, math::der_signature(math::small(3), bad), false);
  }
  // In range but not a signature: r = 1 and r = n - 1 (x(R) can't be crafted to hit them);
  // small r also exercises the x(R) = r + n comparison.
  for (const auto& r : {math::small(1), n1, math::small(2)})
    EXPECT_ALL(point, digest, math::der_signature(r, math::small(3)), false);
}

namespace {

// The first curve point whose x-coordinate is x_from or above (below p), and that x.
struct PointAtX {
  Bytes x, point;
};
PointAtX first_point_from(Bytes x) {
  for (int tries = 0; tries < 1000; ++tries, x = math::integer_add(x, math::small(1)))
    if (Bytes point = math::point_with_x(x); !point.empty()) return {x, point};
  throw std::runtime_error("no curve point in 1000 x-coordinates"); // about one x in two has one
}

// A key Q and a signature (r, s) on the digest e such that the verifiers' sum u1 G + u2 Q is
// exactly the point R, whatever r is claimed: u1 = e/s, u2 = r/s, Q = u2^-1 (R - u1 G).
struct KeyAndSignature {
  Bytes key, digest, signature;
};
KeyAndSignature craft_for_point(const Bytes& point_r, const Bytes& r, const Bytes& s,
                                const Bytes& e) {
  const Bytes s_inv = math::inverse(s);
  const Bytes u1 = math::mul(e, s_inv), u2 = math::mul(r, s_inv);
  const Bytes u2_inv = math::inverse(u2);
  KeyAndSignature c{
      math::combination(math::sub(math::small(0), math::mul(u1, u2_inv)), u2_inv, point_r), e,
      math::der_signature(r, s)};
  EXPECT_EQ(math::combination(u1, u2, c.key), point_r) << "the crafting itself is wrong";
  return c;
}

const Bytes kCraftS(48, 0xc3); // below n
const Bytes kCraftE(48, 0x5a); // a 48-byte digest below n: e itself

} // namespace

TEST(EcdsaP384Edges, XOfRAboveTheOrderMatchesRPlusN) {
  // x(R) in [n, p) reduces to x(R) - n: the engine finds it by comparing X with (r + n) Z^2.
  // R is the first curve point with x >= n + 2 (so r >= 2 and r - 1 is a scalar too).
  const Bytes n = math::order();
  const PointAtX at = first_point_from(math::integer_add(n, math::small(2)));
  const Bytes r = math::integer_sub(at.x, n);
  ASSERT_LT(math::integer_add(r, n), math::prime());
  const KeyAndSignature c = craft_for_point(at.point, r, kCraftS, kCraftE);
  EXPECT_ALL(c.key, c.digest, c.signature, true);
  // Neighbours. r + 1 under the same key: another R, no signature.
  const Bytes one = math::small(1);
  EXPECT_ALL(c.key, c.digest, math::der_signature(math::add(r, one), kCraftS), false);
  // The same R reached exactly, with a claimed r that is not x(R) - n.
  for (const Bytes& claimed : {math::add(r, one), math::sub(r, one)}) {
    const KeyAndSignature off = craft_for_point(at.point, claimed, kCraftS, kCraftE);
    EXPECT_ALL(off.key, off.digest, off.signature, false);
  }
}

TEST(EcdsaP384Edges, RPlusNBeyondTheFieldIsNoXCoordinate) {
  // For r >= p - n, r + n >= p is no x-coordinate, so only x(R) = r can match. An engine that
  // compared anyway would accept x(R) = r + n - p (r + n taken mod p) or, where r + n >= 2^384,
  // x(R) = r + n - 2^384 (the carry lost). R: a point with a small x = t; r = t + (p - n) and
  // r = t + (2^384 - n), both below n.
  const PointAtX at = first_point_from(math::small(1));
  const Bytes n = math::order();
  const Bytes two_384_minus_n =
      math::integer_add(math::integer_sub(Bytes(48, 0xff), n), math::small(1));
  const std::pair<const char*, Bytes> offsets[] = {
      {"r = t + (p - n)", math::integer_sub(math::prime(), n)},
      {"r = t + (2^384 - n)", two_384_minus_n}};
  for (const auto& [name, offset] : offsets) {
    SCOPED_TRACE(name);
    const Bytes r = math::integer_add(at.x, offset);
    ASSERT_LT(r, n);
    const KeyAndSignature c = craft_for_point(at.point, r, kCraftS, kCraftE);
    EXPECT_ALL(c.key, c.digest, c.signature, false);
  }
  // The control: the same R with r = x(R) verifies.
  const KeyAndSignature c = craft_for_point(at.point, at.x, kCraftS, kCraftE);
  EXPECT_ALL(c.key, c.digest, c.signature, true);
}

TEST(EcdsaP384Edges, HashesLongerThanTheOrderAreTruncated) {
  // A 64-byte digest (SHA-512): only its leftmost 384 bits count, as OpenSSL signs it.
  auto key = OpenSslP384Key::generate();
  Bytes digest(64);
  for (std::size_t i = 0; i < digest.size(); ++i)
    digest[i] = std::uint8_t(i * 37 + 11);
  const Bytes sig = key.sign(digest);
  EXPECT_ALL(key.point(), digest, sig, true);
  Bytes tail_changed = digest;
  tail_changed.back() ^= 0xff; // beyond 384 bits: the same e
  EXPECT_ALL(key.point(), tail_changed, sig, true);
  // A 48-byte digest >= n: reduced mod n before use. Craft e = 2^384 - 1 (mod n).
  const Bytes d = math::small(31337);
  const Bytes k = math::small(2718281);
  const Bytes r = math::mod_n(math::x_of_multiple(k));
  const Bytes all_ones(48, 0xff);
  const Bytes s = math::mul(math::inverse(k), math::add(math::mod_n(all_ones), math::mul(r, d)));
  EXPECT_ALL(math::multiple_point(d), all_ones, math::der_signature(r, s), true);
}

TEST(EcdsaP384Edges, SignatureForTheGeneratorIsNotValidForAnotherKey) {
  // What an engine that confused its two bases would accept: valid for (u1+u2) G.
  auto g_key = OpenSslP384Key::from_private(math::small(1));
  auto other = OpenSslP384Key::generate();
  const Bytes digest(48, 0x17);
  const Bytes sig = g_key.sign(digest);
  EXPECT_ALL(g_key.point(), digest, sig, true);
  EXPECT_ALL(other.point(), digest, sig, false);
}

TEST(EcdsaP384Edges, SelfTestPasses) {
  EXPECT_TRUE(detail::BasicEcdsaP384Verifier<8>::self_test());
  EXPECT_TRUE(detail::BasicEcdsaP384Verifier<10>::self_test());
}

TEST(EcdsaP384Edges, VerifiersAreSharedPerKey) {
  const Bytes point = math::multiple_point(math::small(9));
  auto a = detail::EcdsaP384Verifier::create(point);
  auto b = detail::EcdsaP384Verifier::create(point);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(detail::EcdsaP384Verifier::create(Bytes(97, 4)), nullptr);
}

// ---- differential: random valid and damaged signatures --------------------------------------

namespace {

// One key's engines at both window sizes.
struct Engines {
  std::shared_ptr<const detail::BasicEcdsaP384Verifier<8>> w8;
  std::shared_ptr<const detail::BasicEcdsaP384Verifier<10>> w10;
};

// Each case is judged by the engine at w = 8 and at w = 10 against the same reference verdicts:
// the references (and OpenSSL's signing) take most of the time, so the second window size costs
// only its own verifications.
void run_differential(std::uint64_t seed, std::size_t cases_wanted) {
  SignatureCaseGenerator gen(8, seed);
  std::vector<Engines> engines;
  std::vector<MbedtlsP384Verifier> mbedtls;
  for (const auto& key : gen.keys()) {
    engines.push_back({detail::BasicEcdsaP384Verifier<8>::create(key.point()),
                       detail::BasicEcdsaP384Verifier<10>::create(key.point())});
    ASSERT_NE(engines.back().w8, nullptr);
    ASSERT_NE(engines.back().w10, nullptr);
    mbedtls.emplace_back(key.point());
  }
  std::size_t total = 0, valid = 0, for_mbedtls = 0, compared_with_mbedtls = 0;
  // Every case again in batches of every key, at both window sizes: the cases are kept here
  // with OpenSSL's verdict.
  std::vector<SignatureCase> kept;
  std::vector<bool> expected;
  while (total < cases_wanted) {
    for (const auto& c : gen.next()) {
      kept.push_back(c);
      const bool engine_w8 = engines[c.key].w8->verify(c.digest, c.signature);
      const bool engine_w10 = engines[c.key].w10->verify(c.digest, c.signature);
      const bool openssl = gen.keys()[c.key].verify(c.digest, c.signature);
      ASSERT_EQ(engine_w8, openssl)
          << "w = 8: " << c.damage << " (case " << total << ", seed " << seed << ")";
      ASSERT_EQ(engine_w10, openssl)
          << "w = 10: " << c.damage << " (case " << total << ", seed " << seed << ")";
      expected.push_back(openssl);
      const bool engine = engine_w10; // == engine_w8
      const bool ask_mbedtls = total % kMbedtlsEvery == 0;
      for_mbedtls += ask_mbedtls;
      if (ask_mbedtls && c.canonical_der) {
        ASSERT_EQ(engine, mbedtls[c.key].verify(c.digest, c.signature))
            << c.damage << " (case " << total << ", seed " << seed << ")";
        ++compared_with_mbedtls;
      }
      if (c.damage == "none" || c.damage.starts_with("s -> n - s")) {
        EXPECT_TRUE(engine) << c.damage;
      }
      valid += engine;
      ++total;
    }
  }
  // Batches of 300 (the engine cuts them into 128 lanes natively, 256 with 32-bit limbs, and a
  // rest), all keys mixed.
  constexpr std::size_t kBatch = 300;
  for (std::size_t begin = 0; begin < kept.size(); begin += kBatch) {
    const std::size_t end = std::min(kept.size(), begin + kBatch);
    std::vector<detail::BasicEcdsaP384Verifier<8>::Signed> b8;
    std::vector<detail::BasicEcdsaP384Verifier<10>::Signed> b10;
    for (std::size_t i = begin; i < end; ++i) {
      const SignatureCase& c = kept[i];
      b8.push_back({engines[c.key].w8.get(), c.digest, c.signature});
      b10.push_back({engines[c.key].w10.get(), c.digest, c.signature});
    }
    const std::vector<bool> v8 = detail::BasicEcdsaP384Verifier<8>::verify_batch(b8);
    const std::vector<bool> v10 = detail::BasicEcdsaP384Verifier<10>::verify_batch(b10);
    for (std::size_t i = begin; i < end; ++i) {
      ASSERT_EQ(v8[i - begin], expected[i])
          << "batch, w = 8: " << kept[i].damage << " (case " << i << ", seed " << seed << ")";
      ASSERT_EQ(v10[i - begin], expected[i])
          << "batch, w = 10: " << kept[i].damage << " (case " << i << ", seed " << seed << ")";
    }
  }
  // The mix is about 2 valid in 8: a generator that stopped damaging (or signing) shows here.
  EXPECT_GT(valid, total / 5);
  EXPECT_LT(valid, total / 3);
  EXPECT_GT(compared_with_mbedtls, for_mbedtls * 8 / 10);
}

// 4 x 2,500 = 10,000 signatures in the release suite (each at both window sizes, one by one and
// in batches: 40,000 verifications of the engine against OpenSSL's verdict), 4 x 500 in the
// 32-bit-limb build, and 4 x 250 under the sanitizers, which look for memory errors on paths
// every case takes. The crafted edge cases below run in full everywhere; the random cases are a
// net around them: twice as many (20,000 until 2026-12-04) cost the suite 24 CPU-s, which its
// 6 minutes on a warm machine could not spare. Sharded so that ctest -j spreads them over the
// cores.
constexpr std::size_t kPerShard =
#if defined(REELCHECK_SANITIZED_BUILD)
    250;
#else
    kShortRun ? 500 : 2500;
#endif

} // namespace

TEST(EcdsaP384Differential, Shard1) {
  run_differential(101, kPerShard);
}
TEST(EcdsaP384Differential, Shard2) {
  run_differential(202, kPerShard);
}
TEST(EcdsaP384Differential, Shard3) {
  run_differential(303, kPerShard);
}
TEST(EcdsaP384Differential, Shard4) {
  run_differential(404, kPerShard);
}
