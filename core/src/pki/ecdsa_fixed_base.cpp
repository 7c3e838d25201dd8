#include "pki/ecdsa_fixed_base.hpp"

#include <mbedtls/asn1.h>
#include <mbedtls/bignum.h>

namespace reelcheck::detail {
namespace {

// Scoped mbedTLS values, so every early return frees them.
struct Mpi {
  mbedtls_mpi v;
  Mpi() { mbedtls_mpi_init(&v); }
  ~Mpi() { mbedtls_mpi_free(&v); }
  Mpi(const Mpi&) = delete;
  Mpi& operator=(const Mpi&) = delete;
};
struct Point {
  mbedtls_ecp_point v;
  Point() { mbedtls_ecp_point_init(&v); }
  ~Point() { mbedtls_ecp_point_free(&v); }
  Point(const Point&) = delete;
  Point& operator=(const Point&) = delete;
};

// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, nothing after it.
bool parse_signature(const unsigned char* der, std::size_t len, mbedtls_mpi& r, mbedtls_mpi& s) {
  auto* p = const_cast<unsigned char*>(der);
  const unsigned char* end = der + len;
  std::size_t seq_len = 0;
  if (mbedtls_asn1_get_tag(&p, end, &seq_len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
    return false;
  if (p + seq_len != end) return false;
  return mbedtls_asn1_get_mpi(&p, end, &r) == 0 && mbedtls_asn1_get_mpi(&p, end, &s) == 0 &&
         p == end;
}

// The hash as an integer, truncated to the bit length of the group order (SEC 1, 4.1.4).
bool hash_to_integer(const mbedtls_ecp_group& grp, const unsigned char* hash, std::size_t len,
                     mbedtls_mpi& e) {
  const std::size_t order_bytes = (grp.nbits + 7) / 8;
  const std::size_t use = len > order_bytes ? order_bytes : len;
  if (mbedtls_mpi_read_binary(&e, hash, use)) return false;
  if (use * 8 > grp.nbits && mbedtls_mpi_shift_r(&e, use * 8 - grp.nbits)) return false;
  if (mbedtls_mpi_cmp_mpi(&e, &grp.N) >= 0 && mbedtls_mpi_sub_mpi(&e, &e, &grp.N)) return false;
  return true;
}

} // namespace

EcdsaFixedBaseVerifier::EcdsaFixedBaseVerifier() {
  mbedtls_ecp_group_init(&with_g_);
  mbedtls_ecp_group_init(&with_q_);
}

EcdsaFixedBaseVerifier::~EcdsaFixedBaseVerifier() {
  // Loaded NIST groups point into mbedTLS's static curve data and are flagged so that
  // mbedtls_ecp_group_free leaves P, A, B, G and N alone; our G is heap-allocated (see create()).
  mbedtls_ecp_point_free(&with_q_.G);
  mbedtls_ecp_group_free(&with_g_);
  mbedtls_ecp_group_free(&with_q_);
}

std::unique_ptr<EcdsaFixedBaseVerifier>
EcdsaFixedBaseVerifier::create(const mbedtls_ecp_keypair& key) {
  std::unique_ptr<EcdsaFixedBaseVerifier> v(new EcdsaFixedBaseVerifier());
  if (key.grp.id == MBEDTLS_ECP_DP_NONE || mbedtls_ecp_group_load(&v->with_g_, key.grp.id) != 0 ||
      mbedtls_ecp_group_load(&v->with_q_, key.grp.id) != 0 ||
      mbedtls_ecp_check_pubkey(&v->with_g_, &key.Q) != 0)
    return nullptr;
  // Detach G from the static curve data (never write into it), then make it the CA's point.
  mbedtls_ecp_point_init(&v->with_q_.G);
  if (mbedtls_ecp_copy(&v->with_q_.G, &key.Q) != 0) return nullptr;
  return v;
}

bool EcdsaFixedBaseVerifier::verify(const unsigned char* hash, std::size_t hash_len,
                                    const unsigned char* signature, std::size_t signature_len) {
  const mbedtls_ecp_group& grp = with_g_;
  Mpi r, s, e, s_inv, u1, u2, one, v;
  Point a, b, sum;
  if (!parse_signature(signature, signature_len, r.v, s.v)) return false;
  // 1 <= r, s < n
  if (mbedtls_mpi_cmp_int(&r.v, 1) < 0 || mbedtls_mpi_cmp_mpi(&r.v, &grp.N) >= 0 ||
      mbedtls_mpi_cmp_int(&s.v, 1) < 0 || mbedtls_mpi_cmp_mpi(&s.v, &grp.N) >= 0)
    return false;
  if (!hash_to_integer(grp, hash, hash_len, e.v)) return false;

  // u1 = e / s mod n, u2 = r / s mod n
  if (mbedtls_mpi_inv_mod(&s_inv.v, &s.v, &grp.N) || mbedtls_mpi_mul_mpi(&u1.v, &e.v, &s_inv.v) ||
      mbedtls_mpi_mod_mpi(&u1.v, &u1.v, &grp.N) || mbedtls_mpi_mul_mpi(&u2.v, &r.v, &s_inv.v) ||
      mbedtls_mpi_mod_mpi(&u2.v, &u2.v, &grp.N))
    return false;
  // u1 is 0 only for a hash equal to 0 mod n; mbedTLS will not multiply by 0, so that corner
  // is left to the point sum: 0*G is the point at infinity and R = u2*Q.
  const bool u1_zero = mbedtls_mpi_cmp_int(&u1.v, 0) == 0;

  // Fixed-base multiplications: the groups cache their generator's comb table on first use.
  // No RNG: the scalars are public (this is verification), so no side-channel blinding.
  if (!u1_zero && mbedtls_ecp_mul(&with_g_, &a.v, &u1.v, &with_g_.G, nullptr, nullptr))
    return false;
  if (mbedtls_ecp_mul(&with_q_, &b.v, &u2.v, &with_q_.G, nullptr, nullptr)) return false;
  if (u1_zero) {
    if (mbedtls_ecp_copy(&sum.v, &b.v)) return false;
  } else if (mbedtls_mpi_lset(&one.v, 1) ||
             mbedtls_ecp_muladd(&with_g_, &sum.v, &one.v, &a.v, &one.v, &b.v)) {
    return false; // includes a sum at infinity
  }
  if (mbedtls_ecp_is_zero(&sum.v)) return false;

  // Valid iff x(R) mod n == r
  if (mbedtls_mpi_mod_mpi(&v.v, &sum.v.X, &grp.N)) return false;
  return mbedtls_mpi_cmp_mpi(&v.v, &r.v) == 0;
}

} // namespace reelcheck::detail
