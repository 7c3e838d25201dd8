#include "support/p384_reference.hpp"

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <stdexcept>

namespace reelcheck::test {
namespace {

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("OpenSSL: ") + what); }

struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;
struct CtxDeleter {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};

Bn bn(const Bytes& be) {
  Bn b(BN_bin2bn(be.data(), static_cast<int>(be.size()), nullptr));
  if (!b) fail("BN_bin2bn");
  return b;
}
Bytes bytes48(const BIGNUM* b) {
  Bytes out(48);
  if (BN_bn2binpad(b, out.data(), 48) != 48) fail("BN_bn2binpad");
  return out;
}

const EC_GROUP* group() {
  static const EC_GROUP* g = EC_GROUP_new_by_curve_name(NID_secp384r1);
  return g;
}
BN_CTX* bn_ctx() {
  thread_local std::unique_ptr<BN_CTX, CtxDeleter> ctx(BN_CTX_new());
  return ctx.get();
}

Bytes public_point(EVP_PKEY* pkey) {
  Bytes point(97);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(),
                                      &len) != 1 ||
      len != 97)
    fail("public point");
  return point;
}

EVP_PKEY* pkey_from_params(const Bytes& point, const BIGNUM* d) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-384", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  if (d) OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &pkey, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) != 1)
    fail("EVP_PKEY_fromdata");
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return pkey;
}

} // namespace

// ---- OpenSSL keys -------------------------------------------------------------------------

struct OpenSslP384Key::Impl {
  EVP_PKEY* pkey = nullptr;
  ~Impl() { EVP_PKEY_free(pkey); }
};

OpenSslP384Key::OpenSslP384Key(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  point_ = public_point(impl_->pkey);
}
OpenSslP384Key::OpenSslP384Key(OpenSslP384Key&&) noexcept = default;
OpenSslP384Key::~OpenSslP384Key() = default;

OpenSslP384Key OpenSslP384Key::generate() {
  auto impl = std::make_unique<Impl>();
  impl->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  if (!impl->pkey) fail("keygen");
  return OpenSslP384Key(std::move(impl));
}

OpenSslP384Key OpenSslP384Key::from_private(const Bytes& d_be) {
  auto impl = std::make_unique<Impl>();
  impl->pkey = pkey_from_params(p384_math::multiple_point(d_be), bn(d_be).get());
  return OpenSslP384Key(std::move(impl));
}

OpenSslP384Key OpenSslP384Key::from_point(const Bytes& point) {
  auto impl = std::make_unique<Impl>();
  impl->pkey = pkey_from_params(point, nullptr);
  return OpenSslP384Key(std::move(impl));
}

Bytes OpenSslP384Key::sign(const Bytes& digest) const {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(impl_->pkey, nullptr);
  Bytes sig(120);
  std::size_t len = sig.size();
  if (!ctx || EVP_PKEY_sign_init(ctx) != 1 ||
      EVP_PKEY_sign(ctx, sig.data(), &len, digest.data(), digest.size()) != 1)
    fail("sign");
  EVP_PKEY_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

bool OpenSslP384Key::verify(const Bytes& digest, const Bytes& der_signature) const {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(impl_->pkey, nullptr);
  if (!ctx || EVP_PKEY_verify_init(ctx) != 1) fail("verify init");
  const int rc = EVP_PKEY_verify(ctx, der_signature.data(), der_signature.size(), digest.data(),
                                 digest.size());
  EVP_PKEY_CTX_free(ctx);
  return rc == 1;
}

// ---- mbedTLS ------------------------------------------------------------------------------

struct MbedtlsP384Verifier::Impl {
  mutable mbedtls_ecdsa_context ctx;
  Impl() { mbedtls_ecdsa_init(&ctx); }
  ~Impl() { mbedtls_ecdsa_free(&ctx); }
};

MbedtlsP384Verifier::MbedtlsP384Verifier(const Bytes& point) : impl_(std::make_unique<Impl>()) {
  if (mbedtls_ecp_group_load(&impl_->ctx.grp, MBEDTLS_ECP_DP_SECP384R1) != 0 ||
      mbedtls_ecp_point_read_binary(&impl_->ctx.grp, &impl_->ctx.Q, point.data(), point.size()) !=
          0)
    throw std::runtime_error("mbedTLS: cannot load the P-384 point");
}
MbedtlsP384Verifier::MbedtlsP384Verifier(MbedtlsP384Verifier&&) noexcept = default;
MbedtlsP384Verifier::~MbedtlsP384Verifier() = default;

bool MbedtlsP384Verifier::verify(const Bytes& digest, const Bytes& der_signature) const {
  return mbedtls_ecdsa_read_signature(&impl_->ctx, digest.data(), digest.size(),
                                      der_signature.data(), der_signature.size()) == 0;
}

// ---- OpenSSL arithmetic -------------------------------------------------------------------

namespace p384_math {

Bytes order() { return bytes48(EC_GROUP_get0_order(group())); }

Bytes mod_n(const Bytes& a) {
  Bn r(BN_new());
  if (!BN_nnmod(r.get(), bn(a).get(), EC_GROUP_get0_order(group()), bn_ctx())) fail("BN_nnmod");
  return bytes48(r.get());
}

Bytes add(const Bytes& a, const Bytes& b) {
  Bn r(BN_new());
  BN_mod_add(r.get(), bn(a).get(), bn(b).get(), EC_GROUP_get0_order(group()), bn_ctx());
  return bytes48(r.get());
}
Bytes sub(const Bytes& a, const Bytes& b) {
  Bn r(BN_new());
  BN_mod_sub(r.get(), bn(a).get(), bn(b).get(), EC_GROUP_get0_order(group()), bn_ctx());
  return bytes48(r.get());
}
Bytes mul(const Bytes& a, const Bytes& b) {
  Bn r(BN_new());
  BN_mod_mul(r.get(), bn(a).get(), bn(b).get(), EC_GROUP_get0_order(group()), bn_ctx());
  return bytes48(r.get());
}
Bytes inverse(const Bytes& a) {
  Bn r(BN_new());
  if (!BN_mod_inverse(r.get(), bn(a).get(), EC_GROUP_get0_order(group()), bn_ctx()))
    fail("BN_mod_inverse");
  return bytes48(r.get());
}
Bytes small(std::uint64_t v) {
  Bytes out(48, 0);
  for (int i = 0; i < 8; ++i) out[47 - i] = std::uint8_t(v >> (8 * i));
  return out;
}

Bytes prime() {
  Bn p(BN_new());
  if (!EC_GROUP_get_curve(group(), p.get(), nullptr, nullptr, bn_ctx())) fail("EC_GROUP_get_curve");
  return bytes48(p.get());
}

Bytes field_mul(const Bytes& a, const Bytes& b) {
  Bn r(BN_new());
  BN_mod_mul(r.get(), bn(a).get(), bn(b).get(), bn(prime()).get(), bn_ctx());
  return bytes48(r.get());
}

Bytes multiple_point(const Bytes& k) {
  EC_POINT* p = EC_POINT_new(group());
  Bytes out(97);
  if (!EC_POINT_mul(group(), p, bn(k).get(), nullptr, nullptr, bn_ctx()) ||
      EC_POINT_point2oct(group(), p, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(),
                         bn_ctx()) != 97)
    fail("EC_POINT_mul");
  EC_POINT_free(p);
  return out;
}

Bytes x_of_multiple(const Bytes& k) {
  const Bytes p = multiple_point(k);
  return Bytes(p.begin() + 1, p.begin() + 49);
}

Bytes integer_add(const Bytes& a, const Bytes& b) {
  Bn r(BN_new());
  if (!BN_add(r.get(), bn(a).get(), bn(b).get()) || BN_num_bytes(r.get()) > 48) fail("BN_add");
  return bytes48(r.get());
}
Bytes integer_sub(const Bytes& a, const Bytes& b) {
  Bn r(BN_new());
  if (!BN_sub(r.get(), bn(a).get(), bn(b).get()) || BN_is_negative(r.get())) fail("BN_sub");
  return bytes48(r.get());
}

namespace {
struct PointDeleter {
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
using Point = std::unique_ptr<EC_POINT, PointDeleter>;

// {} for the point at infinity (which has no uncompressed encoding).
Bytes encode_point(const EC_POINT* p) {
  if (EC_POINT_is_at_infinity(group(), p)) return {};
  Bytes out(97);
  if (EC_POINT_point2oct(group(), p, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(),
                         bn_ctx()) != 97)
    fail("EC_POINT_point2oct");
  return out;
}
} // namespace

Bytes point_with_x(const Bytes& x) {
  Point p(EC_POINT_new(group()));
  if (!p) fail("EC_POINT_new");
  if (EC_POINT_set_compressed_coordinates(group(), p.get(), bn(x).get(), 0, bn_ctx()) != 1) {
    ERR_clear_error(); // no point with this x: an expected answer, not an error to keep
    return {};
  }
  return encode_point(p.get());
}

Bytes combination(const Bytes& a, const Bytes& b, const Bytes& point) {
  Point p(EC_POINT_new(group())), sum(EC_POINT_new(group()));
  if (!p || !sum ||
      EC_POINT_oct2point(group(), p.get(), point.data(), point.size(), bn_ctx()) != 1 ||
      EC_POINT_mul(group(), sum.get(), bn(a).get(), p.get(), bn(b).get(), bn_ctx()) != 1)
    fail("EC_POINT_mul");
  return encode_point(sum.get());
}

Bytes der_signature(const Bytes& r, const Bytes& s) {
  const auto integer = [](const Bytes& v) {
    std::size_t i = 0;
    while (i + 1 < v.size() && v[i] == 0) ++i;
    Bytes body(v.begin() + static_cast<long>(i), v.end());
    if (body[0] & 0x80) body.insert(body.begin(), 0);
    // Built by appending (an initializer list then insert trips GCC 12's -Warray-bounds).
    Bytes out;
    out.reserve(2 + body.size());
    out.push_back(0x02);
    out.push_back(std::uint8_t(body.size()));
    out.insert(out.end(), body.begin(), body.end());
    return out;
  };
  Bytes body = integer(r);
  const Bytes si = integer(s);
  body.insert(body.end(), si.begin(), si.end());
  Bytes out;
  out.reserve(2 + body.size());
  out.push_back(0x30);
  out.push_back(std::uint8_t(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

} // namespace p384_math

// ---- cases --------------------------------------------------------------------------------

SignatureCaseGenerator::SignatureCaseGenerator(std::size_t keys, std::uint64_t seed) : rng_(seed) {
  for (std::size_t i = 0; i < keys; ++i) keys_.push_back(OpenSslP384Key::generate());
}

namespace {

// (r, s) of a minimal DER signature made by OpenSSL, as 48-byte values.
void split(const Bytes& der, Bytes& r, Bytes& s) {
  std::size_t at = 2;
  const auto next = [&](Bytes& out) {
    const std::size_t len = der[at + 1];
    Bytes v(der.begin() + static_cast<long>(at + 2), der.begin() + static_cast<long>(at + 2 + len));
    while (v.size() > 48 && v[0] == 0) v.erase(v.begin());
    out = Bytes(48 - v.size(), 0);
    out.insert(out.end(), v.begin(), v.end());
    at += 2 + len;
  };
  next(r);
  next(s);
}

Bytes plus_n_unreduced(const Bytes& v) { // v + n as a plain (up to 49-byte) integer
  Bn r(BN_new());
  BN_add(r.get(), bn(v).get(), EC_GROUP_get0_order(group()));
  Bytes out(static_cast<std::size_t>(BN_num_bytes(r.get())));
  BN_bn2bin(r.get(), out.data());
  return out;
}

} // namespace

std::vector<SignatureCase> SignatureCaseGenerator::next() {
  static constexpr std::size_t kDigestSizes[] = {32, 48, 48, 64, 20};
  const std::size_t key = rng_() % keys_.size();
  Bytes digest(kDigestSizes[rng_() % std::size(kDigestSizes)]);
  for (auto& b : digest) b = std::uint8_t(rng_());
  const Bytes sig = keys_[key].sign(digest);
  Bytes r, s;
  split(sig, r, s);

  std::vector<SignatureCase> cases;
  const auto add = [&](std::string damage, Bytes d, Bytes signature, std::size_t k,
                       bool canonical = true) {
    cases.push_back(SignatureCase{k, std::move(d), std::move(signature), std::move(damage),
                                  canonical});
  };
  const auto flip = [&](Bytes v) {
    const std::size_t bit = rng_() % (v.size() * 8);
    v[bit / 8] ^= std::uint8_t(1u << (bit % 8));
    return v;
  };
  add("none", digest, sig, key);
  add("digest bit", flip(digest), sig, key);
  add("r bit", digest, p384_math::der_signature(flip(r), s), key);
  add("s bit", digest, p384_math::der_signature(r, flip(s)), key);
  add("s -> n - s (still valid)", digest,
      p384_math::der_signature(r, p384_math::sub(p384_math::order(), s)), key);
  add("r swapped with s", digest, p384_math::der_signature(s, r), key);
  add("other key", digest, sig, (key + 1) % keys_.size());
  switch (rng_() % 4) {
  case 0: add("r + n", digest, p384_math::der_signature(plus_n_unreduced(r), s), key); break;
  case 1: add("s + n", digest, p384_math::der_signature(r, plus_n_unreduced(s)), key); break;
  case 2: {
    Bytes padded = sig; // r with an unneeded leading zero byte: not DER
    padded.insert(padded.begin() + 4, 0);
    padded[1] = std::uint8_t(padded[1] + 1);
    padded[3] = std::uint8_t(padded[3] + 1);
    add("non-minimal INTEGER", digest, padded, key, false);
    break;
  }
  default: {
    Bytes cut = sig;
    cut.pop_back();
    add("truncated", digest, cut, key, false);
    break;
  }
  }
  return cases;
}

// ---- modular inversion: OpenSSL and mbedTLS -------------------------------------------------

namespace inverse_reference {

Bytes openssl(const Bytes& a, const Bytes& m) {
  Bn r(BN_new());
  ERR_set_mark();
  const bool ok = BN_mod_inverse(r.get(), bn(a).get(), bn(m).get(), bn_ctx()) != nullptr;
  ERR_pop_to_mark(); // "no inverse" is an answer here, not an error to leave in the queue
  if (!ok) return {};
  Bytes out(m.size());
  if (BN_bn2binpad(r.get(), out.data(), static_cast<int>(out.size())) < 0) fail("BN_bn2binpad");
  return out;
}

Bytes mbedtls(const Bytes& a, const Bytes& m) {
  mbedtls_mpi ma, mm, mr;
  mbedtls_mpi_init(&ma);
  mbedtls_mpi_init(&mm);
  mbedtls_mpi_init(&mr);
  Bytes out(m.size());
  int rc = mbedtls_mpi_read_binary(&ma, a.data(), a.size());
  if (rc == 0) rc = mbedtls_mpi_read_binary(&mm, m.data(), m.size());
  if (rc == 0) rc = mbedtls_mpi_inv_mod(&mr, &ma, &mm);
  if (rc == 0) rc = mbedtls_mpi_write_binary(&mr, out.data(), out.size());
  mbedtls_mpi_free(&ma);
  mbedtls_mpi_free(&mm);
  mbedtls_mpi_free(&mr);
  if (rc == MBEDTLS_ERR_MPI_NOT_ACCEPTABLE) return {};
  if (rc != 0) fail("mbedtls_mpi_inv_mod");
  return out;
}

} // namespace inverse_reference

namespace product_reference {

Bytes openssl(const Bytes& a, const Bytes& b, const Bytes& m) {
  Bn r(BN_new());
  if (!BN_mod_mul(r.get(), bn(a).get(), bn(b).get(), bn(m).get(), bn_ctx())) fail("BN_mod_mul");
  Bytes out(m.size());
  if (BN_bn2binpad(r.get(), out.data(), static_cast<int>(out.size())) < 0) fail("BN_bn2binpad");
  return out;
}

Bytes mbedtls(const Bytes& a, const Bytes& b, const Bytes& m) {
  mbedtls_mpi ma, mb, mm, mp, mr;
  for (mbedtls_mpi* x : {&ma, &mb, &mm, &mp, &mr})
    mbedtls_mpi_init(x);
  Bytes out(m.size());
  int rc = mbedtls_mpi_read_binary(&ma, a.data(), a.size());
  if (rc == 0) rc = mbedtls_mpi_read_binary(&mb, b.data(), b.size());
  if (rc == 0) rc = mbedtls_mpi_read_binary(&mm, m.data(), m.size());
  if (rc == 0) rc = mbedtls_mpi_mul_mpi(&mp, &ma, &mb);
  if (rc == 0) rc = mbedtls_mpi_mod_mpi(&mr, &mp, &mm);
  if (rc == 0) rc = mbedtls_mpi_write_binary(&mr, out.data(), out.size());
  for (mbedtls_mpi* x : {&ma, &mb, &mm, &mp, &mr})
    mbedtls_mpi_free(x);
  if (rc != 0) fail("mbedtls_mpi_mul_mpi");
  return out;
}

} // namespace product_reference

} // namespace reelcheck::test
