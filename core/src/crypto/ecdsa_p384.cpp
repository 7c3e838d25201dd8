#include "crypto/ecdsa_p384.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <string_view>

#include "crypto/p384_fixed_base_table.hpp"

namespace reelcheck::detail {
namespace {

using p384::Element;
using Bytes = std::span<const std::uint8_t>;

// One DER INTEGER holding a non-negative value of at most 48 bytes, minimally encoded.
bool read_der_integer(Bytes& in, Element& out) {
  if (in.size() < 2 || in[0] != 0x02) return false;
  const std::size_t len = in[1];
  if (len == 0 || len > 0x7f || in.size() < 2 + len) return false;
  Bytes value = in.subspan(2, len);
  if (value[0] & 0x80) return false; // negative
  if (value[0] == 0 && len > 1) {
    if (!(value[1] & 0x80)) return false; // a leading zero that is not needed
    value = value.subspan(1);
  }
  if (value.size() > p384::kBytes) return false;
  in = in.subspan(2 + len);
  return limbs_from_bytes(value, out);
}

// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } in strict DER, as OpenSSL demands.
// A P-384 signature is at most 104 bytes, so only the short length form can be minimal.
bool parse_signature(Bytes der, Element& r, Element& s) {
  if (der.size() < 2 || der[0] != 0x30 || der[1] > 0x7f || der[1] != der.size() - 2) return false;
  Bytes body = der.subspan(2);
  return read_der_integer(body, r) && read_der_integer(body, s) && body.empty();
}

// The leftmost 384 bits of the hash as an integer, reduced mod n (SEC 1, 4.1.4 step 5).
Element hash_to_scalar(Bytes hash) {
  Element e{};
  limbs_from_bytes(hash.first(std::min(hash.size(), p384::kBytes)), e);
  Element reduced{};
  if (sub(reduced, e, p384::order().modulus()) == 0) e = reduced; // e < 2^384 < 2n
  return e;
}

bool in_scalar_range(const Element& v) {
  return !is_zero(v) && compare(v, p384::order().modulus()) < 0;
}

// r and s of a signature in strict DER, both in [1, n - 1]; false otherwise.
bool signature_values(Bytes der_signature, Element& r, Element& s) {
  return parse_signature(der_signature, r, s) && in_scalar_range(r) && in_scalar_range(s);
}

// What verification computes from a signature: r, u1 = e s^-1 and u2 = r s^-1 (mod n).
struct Scalars {
  Element r{}, u1{}, u2{};
};
// From s^-1 in the Montgomery domain (s^-1 R): multiplying a plain value by it there gives a
// plain product.
void scalars_from(Bytes hash, const Element& r, const Element& s_inverse_mont, Scalars& out) {
  const auto& n = p384::order();
  out.r = r;
  n.mul(out.u1, hash_to_scalar(hash), s_inverse_mont);
  n.mul(out.u2, r, s_inverse_mont);
}

// False for a signature that is not strict DER or whose r or s is out of range.
bool signature_scalars(Bytes hash, Bytes der_signature, Scalars& out) {
  Element r{}, s{}, w{};
  if (!signature_values(der_signature, r, s)) return false;
  const auto& n = p384::order();
  n.inverse(w, s);
  n.to_montgomery(w, w);
  scalars_from(hash, r, w, out);
  return true;
}

// s_i^-1 R (mod n) for every s_i (non-zero, below n), with one inversion (invert_each), in
// the Montgomery domain: s_i R in, (s_i R)^-1 R^2 = s_i^-1 R out.
void inverses_in_montgomery_domain(std::span<const Element> s, std::span<Element> out,
                                   std::vector<Element>& prefix) {
  const auto& n = p384::order();
  for (std::size_t i = 0; i < s.size(); ++i)
    n.to_montgomery(out[i], s[i]);
  invert_each<Element>(
      out, out, prefix, [&](Element& r, const Element& a, const Element& b) { n.mul(r, a, b); },
      [&](Element& r, const Element& a) {
        Element plain{}, one{};
        one[0] = 1;
        n.mul(plain, a, one); // out of the domain
        n.inverse(r, plain);  // non-zero: n is prime and every s_i is below it
        n.to_montgomery(r, r);
      });
}

// x(R) mod n == r for an affine x(R) < p < 2n: x == r, or x == r + n where r + n < p.
bool affine_x_matches(const p384::FieldElement& x_encoded, const Element& r) {
  const auto& f = p384::field();
  Element x{}, r_plus_n{};
  f.decode(x, x_encoded);
  if (compare(x, r) == 0) return true;
  return add(r_plus_n, r, p384::order().modulus()) == 0 && compare(x, r_plus_n) == 0;
}

template <unsigned W> const p384::FixedBaseTable<W>& generator_table() {
  static const p384::FixedBaseTable<W> table(p384::generator());
  return table;
}

// Live verifiers by key, so that every thread's ChainVerifier shares one table per CA key.
template <unsigned W> struct Cache {
  std::mutex mutex;
  std::map<std::array<std::uint8_t, 1 + 2 * p384::kBytes>,
           std::weak_ptr<const BasicEcdsaP384Verifier<W>>>
      verifiers;
};
template <unsigned W> Cache<W>& cache() {
  static Cache<W> c;
  return c;
}

std::atomic<bool> pretend_failed{false};

} // namespace

template <unsigned W>
BasicEcdsaP384Verifier<W>::BasicEcdsaP384Verifier(const p384::AffinePoint& q) : q_(q) {}
template <unsigned W> BasicEcdsaP384Verifier<W>::~BasicEcdsaP384Verifier() = default;

template <unsigned W> void BasicEcdsaP384Verifier<W>::prepare() const {
  generator_table<W>();
  q_table();
}

template <unsigned W> auto BasicEcdsaP384Verifier<W>::q_table() const -> const Table& {
  std::call_once(q_table_once_, [this] { q_table_ = std::make_unique<Table>(q_); });
  return *q_table_;
}

template <unsigned W>
bool BasicEcdsaP384Verifier<W>::verify(Bytes hash, Bytes der_signature) const {
  Scalars k;
  if (!signature_scalars(hash, der_signature, k)) return false;
  const Element& r = k.r;
  const auto& n = p384::order();
  const auto& f = p384::field();

  p384::JacobianPoint sum;
  generator_table<W>().accumulate(sum, k.u1); // u1 = 0 (a hash equal to 0 mod n) adds nothing
  q_table().accumulate(sum, k.u2);
  if (sum.infinity) return false;

  // x(R) mod n == r  <=>  X == r' Z^2 for r' = r or (if still below p) r' = r + n, since
  // x(R) < p < 2n. No inversion needed.
  p384::FieldElement z2{}, candidate{}, rhs{};
  f.sqr(z2, sum.z);
  f.encode(candidate, r);
  f.mul(rhs, candidate, z2);
  if (f.equal(rhs, sum.x)) return true;
  Element r_plus_n{};
  if (add(r_plus_n, r, n.modulus()) != 0 || compare(r_plus_n, f.modulus()) >= 0) return false;
  f.encode(candidate, r_plus_n);
  f.mul(rhs, candidate, z2);
  return f.equal(rhs, sum.x);
}

template <unsigned W>
std::vector<bool> BasicEcdsaP384Verifier<W>::verify_batch(std::span<const Signed> batch) {
  std::vector<bool> valid(batch.size(), false);
  // Below a few lanes, the inversion per step costs more than the Jacobian additions it saves.
  // Above 128 lanes natively the lanes' sums leave L1/L2; with 32-bit limbs (the page's wasm) a
  // step's shared inversion weighs more against a lane's additions, and 256 lanes verified a
  // slice 4-8% faster than 128 in Chromium (docs/performance.md).
  constexpr std::size_t kMinLanes = 8, kMaxLanes = kLimbBits == 32 ? 256 : 128;
  if (batch.size() < kMinLanes) {
    for (std::size_t i = 0; i < batch.size(); ++i)
      valid[i] = batch[i].key->verify(batch[i].hash, batch[i].der_signature);
    return valid;
  }
  using Terms = std::array<p384::Term, 2 * Table::kWindows>;
  std::vector<Terms> terms(std::min(batch.size(), kMaxLanes));
  std::vector<std::span<const p384::Term>> lanes;
  std::vector<std::size_t> lane_of; // index in `batch`
  std::vector<Element> rs, ss, s_inverses, prefix;
  std::vector<p384::AffinePoint> sums;
  std::vector<p384::LaneSum> status;
  p384::BatchSum summer;
  for (std::size_t begin = 0; begin < batch.size(); begin += kMaxLanes) {
    const std::size_t end = std::min(batch.size(), begin + kMaxLanes);
    lanes.clear();
    lane_of.clear();
    rs.clear();
    ss.clear();
    for (std::size_t i = begin; i < end; ++i) {
      Element r{}, s{};
      if (!signature_values(batch[i].der_signature, r, s)) continue;
      lane_of.push_back(i);
      rs.push_back(r);
      ss.push_back(s);
    }
    s_inverses.resize(ss.size());
    inverses_in_montgomery_domain(ss, s_inverses, prefix);
    for (std::size_t j = 0; j < lane_of.size(); ++j) {
      const Signed& one = batch[lane_of[j]];
      Scalars k;
      scalars_from(one.hash, rs[j], s_inverses[j], k);
      Terms& t = terms[j];
      const std::span<p384::Term, Table::kWindows> g_part(t.data(), Table::kWindows);
      const std::span<p384::Term, Table::kWindows> q_part(t.data() + Table::kWindows,
                                                          Table::kWindows);
      // G's terms, then Q's, packed: the order verify() adds them in.
      const std::size_t from_g = generator_table<W>().terms(k.u1, g_part);
      const std::size_t from_q = one.key->q_table().terms(k.u2, q_part);
      std::copy_n(q_part.begin(), from_q, t.begin() + from_g);
      lanes.emplace_back(t.data(), from_g + from_q);
    }
    sums.resize(lanes.size());
    status.resize(lanes.size());
    summer.run(lanes, sums, status);
    for (std::size_t j = 0; j < lanes.size(); ++j) {
      const Signed& one = batch[lane_of[j]];
      switch (status[j]) {
      case p384::LaneSum::kFinite: valid[lane_of[j]] = affine_x_matches(sums[j].x, rs[j]); break;
      case p384::LaneSum::kInfinity: break; // no x to compare
      case p384::LaneSum::kExceptional:
        valid[lane_of[j]] = one.key->verify(one.hash, one.der_signature);
        break;
      }
    }
  }
  return valid;
}

template <unsigned W> bool BasicEcdsaP384Verifier<W>::self_test() {
  // Made with a textbook implementation (Python integers) for this test only: key, SHA-384 of
  // a message, a signature, and a signature by d = 1 (valid for the key G, never for Q).
  static constexpr std::string_view kKey =
      "0419895dc48676bbb6fe6f2872829994a2af39210c96a19b530b92019f054c82a28707ecbd3974a68ee15ed0"
      "fa24fc3e50e6ae2776c81c7b722d0f35b96e6d8a0f73de7d7d4b12b91d2c247d69b4ab5950cac2ba0aaf6f83"
      "8138ed2800e89981bb";
  static constexpr std::string_view kHash =
      "f24b968e13db2fae412224e89204c9630872ea5748a38439085d9306c708f5cc44d9dea0f592950e9f8f7b6c"
      "c849f93a";
  static constexpr std::string_view kSignature =
      "306402304e47a237cc608f03d38bf953c2c25c8cb99de4bbada9288a6b43656520b2559143f1fd344dde2108"
      "02bbc630315996be02304a1e18dcf9a0dc290395f74ace23ae2c220a5921090e0cf1c26ce2a8b452ecf94299"
      "56c5c0c3b313eab69abb94fa8007";
  static constexpr std::string_view kSignatureForG =
      "306402307ab39dd7c1b1ef6caa414ab13bbdc420471e092b8b7119d57fb4f5ecf2879f80cbcd0205403e426f"
      "6f0aeffcba3f02290230535f59cd586540510cc6dbfc7a47e06f9fd1c7c9862f4da887ba2da4afccba04b966"
      "36366d1491534f20a85823fc62a8";
  const auto key = bytes_from_hex(kKey), hash = bytes_from_hex(kHash);
  const auto signature = bytes_from_hex(kSignature);
  const auto forged = bytes_from_hex(kSignatureForG);
  p384::AffinePoint q;
  if (!p384::decode_point(key, q)) return false;
  const BasicEcdsaP384Verifier verifier(q);
  if (!verifier.verify(hash, signature)) return false;
  if (verifier.verify(hash, forged)) return false;
  auto flipped = signature;
  flipped[20] ^= 0x01; // a bit of r
  if (verifier.verify(hash, flipped)) return false;
  // The batch, with enough lanes to take its own path: the same three verdicts.
  std::vector<Signed> batch;
  for (int copy = 0; copy < 3; ++copy)
    for (const Bytes sig : {Bytes(signature), Bytes(forged), Bytes(flipped)})
      batch.push_back(Signed{&verifier, hash, sig});
  const std::vector<bool> verdicts = verify_batch(batch);
  for (std::size_t i = 0; i < verdicts.size(); ++i)
    if (verdicts[i] != (i % 3 == 0)) return false;
  return true;
}

template <unsigned W>
void BasicEcdsaP384Verifier<W>::pretend_self_test_failed_for_testing(bool failed) {
  pretend_failed = failed;
}

template <unsigned W>
std::shared_ptr<const BasicEcdsaP384Verifier<W>>
BasicEcdsaP384Verifier<W>::create(Bytes sec1_point) {
  static const bool engine_ok = self_test();
  p384::AffinePoint q;
  if (!engine_ok || pretend_failed || !p384::decode_point(sec1_point, q)) return nullptr;
  std::array<std::uint8_t, 1 + 2 * p384::kBytes> id{};
  std::copy(sec1_point.begin(), sec1_point.end(), id.begin());
  auto& c = cache<W>();
  const std::lock_guard lock(c.mutex);
  std::erase_if(c.verifiers, [](const auto& entry) { return entry.second.expired(); });
  auto& slot = c.verifiers[id];
  if (auto live = slot.lock()) return live;
  auto created = std::make_shared<const BasicEcdsaP384Verifier>(q);
  slot = created;
  return created;
}

// w = 8: the page's; w = 10: the native one. Natively both are built (the tests run w = 8 too).
// The page builds only its own: a second instantiation in this file would give the helpers
// that verify() inlines as their only caller a second caller, and change how they are inlined.
template class BasicEcdsaP384Verifier<8>;
#if !defined(__wasm__)
template class BasicEcdsaP384Verifier<10>;
#endif

} // namespace reelcheck::detail
