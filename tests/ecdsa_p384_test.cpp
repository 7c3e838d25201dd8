// The verify-only P-384 engine, judged by OpenSSL and mbedTLS: the arithmetic underneath it,
// every exceptional case of point addition reached by a crafted signature, and a differential
// run over random valid and damaged signatures.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "pki/ecdsa_p384.hpp"
#include "pki/p384_curve.hpp"
#include "pki/p384_fixed_base_table.hpp"
#include "support/p384_reference.hpp"

using namespace reelcheck;
using namespace reelcheck::test;
namespace math = reelcheck::test::p384_math;
using detail::p384::Element;

namespace {

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
    for (auto& b : v) b = std::uint8_t(rng());
    v[0] &= 0x7f; // below both p and n
    out.push_back(v);
  }
  return out;
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
    for (int j = 40; j < 48; ++j) v[j] = std::uint8_t(rng());
    if (v >= kP) v.back() = 0;
    values.push_back(v);
  }
  for (const auto& a : values) {
    for (const auto& b : values) {
      Element prod{};
      f.mul(prod, element(a), element(b));
      ASSERT_EQ(bytes(prod), math::field_mul(a, b));
    }
    Element sq{};
    f.sqr(sq, element(a));
    ASSERT_EQ(bytes(sq), math::field_mul(a, a));
  }
}

TEST(P384Arithmetic, FieldArithmeticMatchesTextbookIdentities) {
  // OpenSSL's scalar helpers work mod n; for p, check identities that a wrong reduction
  // breaks: (a*b)*b^-1 == a, a + (p - a) == 0, and Montgomery round trips.
  std::mt19937_64 rng(2);
  const auto& f = detail::p384::field();
  for (const auto& a : edge_values(kP, rng, 60)) {
    for (const auto& b : edge_values(kP, rng, 6)) {
      if (b == math::small(0)) continue;
      Element am{}, bm{}, prod{}, binv{}, back{};
      f.encode(am, element(a));
      f.encode(bm, element(b));
      f.mul(prod, am, bm);
      ASSERT_TRUE(f.inverse(binv, element(b)));
      f.encode(binv, binv);
      f.mul(back, prod, binv);
      f.decode(back, back);
      ASSERT_EQ(bytes(back), a);
      Element neg{}, zero{};
      f.neg(neg, element(a));
      f.add(zero, neg, element(a));
      ASSERT_TRUE(detail::is_zero(zero));
    }
  }
}

// ---- points -------------------------------------------------------------------------------

TEST(P384Points, FixedBaseMultiplesOfGMatchOpenSsl) {
  const detail::p384::FixedBaseTable table(detail::p384::generator());
  std::mt19937_64 rng(3);
  std::vector<Bytes> scalars = edge_values(math::order(), rng, 30);
  // Digits exactly at the signed-window boundary (+128: no carry) and just past it (carries
  // through every window), and the top of the range.
  scalars.push_back(Bytes(48, 0x80));
  scalars.push_back(Bytes(48, 0x81));
  scalars.push_back(Bytes(48, 0x7f));
  scalars.push_back(math::sub(math::order(), math::small(1)));   // -G
  scalars.push_back(math::sub(math::order(), math::small(128))); // -128 G
  for (const auto& k : scalars) {
    detail::p384::JacobianPoint acc;
    table.accumulate(acc, element(math::mod_n(k)));
    if (math::mod_n(k) == math::small(0)) {
      EXPECT_TRUE(acc.infinity);
      continue;
    }
    ASSERT_EQ(encode(acc), math::multiple_point(k));
  }
}

TEST(P384Points, TableOfAnyKeyMatchesOpenSsl) {
  std::mt19937_64 rng(4);
  const Bytes d = math::mod_n(edge_values(math::order(), rng, 1).back());
  detail::p384::AffinePoint q;
  ASSERT_TRUE(detail::p384::decode_point(math::multiple_point(d), q));
  const detail::p384::FixedBaseTable table(q);
  for (const auto& k : edge_values(math::order(), rng, 10)) {
    if (k == math::small(0)) continue;
    detail::p384::JacobianPoint acc;
    table.accumulate(acc, element(k));
    ASSERT_EQ(encode(acc), math::multiple_point(math::mul(k, d)));
  }
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
  bool engine, openssl, mbedtls;
};

Verdicts judge(const Bytes& point, const Bytes& digest, const Bytes& sig) {
  auto engine = detail::EcdsaP384Verifier::create(point);
  EXPECT_NE(engine, nullptr);
  return Verdicts{engine && engine->verify(digest, sig),
                  OpenSslP384Key::from_point(point).verify(digest, sig),
                  MbedtlsP384Verifier(point).verify(digest, sig)};
}

#define EXPECT_ALL(point, digest, sig, expected)                                                  \
  do {                                                                                            \
    const Verdicts v = judge(point, digest, sig);                                                 \
    EXPECT_EQ(v.engine, expected) << "engine";                                                    \
    EXPECT_EQ(v.openssl, expected) << "OpenSSL";                                                  \
    EXPECT_EQ(v.mbedtls, expected) << "mbedTLS";                                                  \
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
  // Q = G, u1 = 5, u2 = 251 = 256 - 5: digits (-5, +1): 5G - 5G = infinity, then + 256G.
  const Bytes one = math::small(1);
  const Crafted c = craft(one, math::small(5), math::small(251));
  EXPECT_ALL(math::multiple_point(one), c.digest, c.signature, true);
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

TEST(EcdsaP384Edges, HashesLongerThanTheOrderAreTruncated) {
  // A 64-byte digest (SHA-512): only its leftmost 384 bits count, as OpenSSL signs it.
  auto key = OpenSslP384Key::generate();
  Bytes digest(64);
  for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = std::uint8_t(i * 37 + 11);
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

TEST(EcdsaP384Edges, SelfTestPasses) { EXPECT_TRUE(detail::EcdsaP384Verifier::self_test()); }

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

void run_differential(std::uint64_t seed, std::size_t cases_wanted) {
  SignatureCaseGenerator gen(8, seed);
  std::vector<std::shared_ptr<const detail::EcdsaP384Verifier>> engines;
  std::vector<MbedtlsP384Verifier> mbedtls;
  for (const auto& key : gen.keys()) {
    engines.push_back(detail::EcdsaP384Verifier::create(key.point()));
    ASSERT_NE(engines.back(), nullptr);
    mbedtls.emplace_back(key.point());
  }
  std::size_t total = 0, valid = 0, for_mbedtls = 0, compared_with_mbedtls = 0;
  while (total < cases_wanted) {
    for (const auto& c : gen.next()) {
      const bool engine = engines[c.key]->verify(c.digest, c.signature);
      const bool openssl = gen.keys()[c.key].verify(c.digest, c.signature);
      ASSERT_EQ(engine, openssl) << c.damage << " (case " << total << ", seed " << seed << ")";
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
  // The mix is about 2 valid in 8: a generator that stopped damaging (or signing) shows here.
  EXPECT_GT(valid, total / 5);
  EXPECT_LT(valid, total / 3);
  EXPECT_GT(compared_with_mbedtls, for_mbedtls * 8 / 10);
}

// 4 x 5,000 = 20,000 signatures in the release suite. Sharded so that ctest -j spreads them
// over the cores.
constexpr std::size_t kPerShard = kShortRun ? 500 : 5000;

} // namespace

TEST(EcdsaP384Differential, Shard1) { run_differential(101, kPerShard); }
TEST(EcdsaP384Differential, Shard2) { run_differential(202, kPerShard); }
TEST(EcdsaP384Differential, Shard3) { run_differential(303, kPerShard); }
TEST(EcdsaP384Differential, Shard4) { run_differential(404, kPerShard); }
