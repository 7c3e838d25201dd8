// The verify-only RSA-2048 engine (crypto/rsa_verifier) against OpenSSL and mbedTLS: random valid
// and damaged PKCS#1 v1.5 signatures, and crafted encodings that reach each rule (block type,
// padding bytes, separator, DigestInfo, length), signature values at the edges of the modulus.
// Every case also has an expected answer, so three implementations agreeing on a wrong verdict
// still fails.
#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <mbedtls/rsa.h>

#include <array>
#include <memory>
#include <random>
#include <vector>

#include "crypto/rsa_verifier.hpp"

using reelcheck::detail::RsaVerifier;
using Bytes = std::vector<std::uint8_t>;

namespace {

// Sanitizers run the same code many times slower; the 32-bit-limb build repeats the suite
// for the arithmetic the page runs. Both take fewer random cases.
constexpr int kRandomCases =
#if defined(REELCHECK_SANITIZED_BUILD) || defined(REELCHECK_LIMB32)
    300;
#else
    3000;
#endif

using Hash = RsaVerifier::Hash;
constexpr std::size_t hash_size(Hash h) {
  return h == Hash::kSha256 ? 32 : h == Hash::kSha384 ? 48 : 64;
}
const EVP_MD* evp_md(Hash h) {
  return h == Hash::kSha256 ? EVP_sha256() : h == Hash::kSha384 ? EVP_sha384() : EVP_sha512();
}
mbedtls_md_type_t mbed_md(Hash h) {
  return h == Hash::kSha256   ? MBEDTLS_MD_SHA256
         : h == Hash::kSha384 ? MBEDTLS_MD_SHA384
                              : MBEDTLS_MD_SHA512;
}
Bytes digest_info(Hash h) {
  Bytes info = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
  if (h == Hash::kSha384) info[1] = 0x41, info[14] = 0x02, info[18] = 0x30;
  if (h == Hash::kSha512) info[1] = 0x51, info[14] = 0x03, info[18] = 0x40;
  return info;
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

Bytes bn_bytes(EVP_PKEY* key, const char* param) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, param, &bn), 1);
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  BN_free(bn);
  return out;
}

// One RSA key held by OpenSSL (signs, verifies, raw private operation) and mbedTLS (verifies).
class ReferenceKey {
public:
  ReferenceKey(unsigned bits, unsigned exponent) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr));
    EVP_PKEY_keygen_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits));
    BIGNUM* e = BN_new();
    BN_set_word(e, exponent);
    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e);
    BN_free(e);
    EVP_PKEY* raw = nullptr;
    EXPECT_EQ(EVP_PKEY_keygen(ctx.get(), &raw), 1);
    key_.reset(raw);
    n = bn_bytes(raw, OSSL_PKEY_PARAM_RSA_N);
    e_bytes = bn_bytes(raw, OSSL_PKEY_PARAM_RSA_E);
    mbedtls_rsa_init(&mbed_, MBEDTLS_RSA_PKCS_V15, 0);
    EXPECT_EQ(mbedtls_rsa_import_raw(&mbed_, n.data(), n.size(), nullptr, 0, nullptr, 0, nullptr, 0,
                                     e_bytes.data(), e_bytes.size()),
              0);
    EXPECT_EQ(mbedtls_rsa_complete(&mbed_), 0);
  }
  ~ReferenceKey() { mbedtls_rsa_free(&mbed_); }

  Bytes sign(Hash h, const Bytes& hash) const {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
    EVP_PKEY_sign_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    EVP_PKEY_CTX_set_signature_md(ctx.get(), evp_md(h));
    std::size_t len = 512;
    Bytes sig(len);
    EXPECT_EQ(EVP_PKEY_sign(ctx.get(), sig.data(), &len, hash.data(), hash.size()), 1);
    sig.resize(len);
    return sig;
  }
  // em^d mod n for a crafted encoded message em < n (no padding applied).
  Bytes raw_private(const Bytes& em) const {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
    EVP_PKEY_sign_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING);
    std::size_t len = 512;
    Bytes sig(len);
    EXPECT_EQ(EVP_PKEY_sign(ctx.get(), sig.data(), &len, em.data(), em.size()), 1);
    sig.resize(len);
    return sig;
  }
  bool openssl_verify(Hash h, const Bytes& hash, const Bytes& sig) const {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
    EVP_PKEY_verify_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    EVP_PKEY_CTX_set_signature_md(ctx.get(), evp_md(h));
    return EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), hash.data(), hash.size()) == 1;
  }
  bool mbedtls_verify(Hash h, const Bytes& hash, const Bytes& sig) {
    if (sig.size() != mbedtls_rsa_get_len(&mbed_)) return false; // mbedTLS reads exactly that
    return mbedtls_rsa_pkcs1_verify(&mbed_, nullptr, nullptr, MBEDTLS_RSA_PUBLIC, mbed_md(h),
                                    static_cast<unsigned>(hash.size()), hash.data(),
                                    sig.data()) == 0;
  }

  Bytes n, e_bytes;

private:
  Pkey key_;
  mbedtls_rsa_context mbed_;
};

Bytes encode(Hash h, const Bytes& hash, std::size_t k = 256) {
  const Bytes info = digest_info(h);
  Bytes em(k, 0xFF);
  em[0] = 0x00;
  em[1] = 0x01;
  const std::size_t t = info.size() + hash.size();
  em[k - t - 1] = 0x00;
  std::copy(info.begin(), info.end(), em.end() - static_cast<std::ptrdiff_t>(t));
  std::copy(hash.begin(), hash.end(), em.end() - static_cast<std::ptrdiff_t>(hash.size()));
  return em;
}

class RsaVerifierTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    f4_ = new ReferenceKey(2048, 65537);
    e3_ = new ReferenceKey(2048, 3);
  }
  static void TearDownTestSuite() {
    delete f4_;
    delete e3_;
  }
  // The engine, OpenSSL and mbedTLS must all give `expected`.
  static void expect_all(ReferenceKey& key, const RsaVerifier& engine, Hash h, const Bytes& hash,
                         const Bytes& sig, bool expected, const char* what) {
    EXPECT_EQ(engine.verify(h, hash, sig), expected) << what << " (engine)";
    EXPECT_EQ(key.openssl_verify(h, hash, sig), expected) << what << " (OpenSSL)";
    EXPECT_EQ(key.mbedtls_verify(h, hash, sig), expected) << what << " (mbedTLS)";
  }
  static ReferenceKey* f4_;
  static ReferenceKey* e3_;
};
ReferenceKey* RsaVerifierTest::f4_ = nullptr;
ReferenceKey* RsaVerifierTest::e3_ = nullptr;

TEST_F(RsaVerifierTest, SelfTestPasses) {
  EXPECT_TRUE(RsaVerifier::self_test());
}

TEST_F(RsaVerifierTest, RandomValidAndDamagedSignaturesAgreeWithOpenSslAndMbedtls) {
  std::mt19937_64 rng(20261126);
  int valid = 0, damaged = 0;
  for (ReferenceKey* key : {f4_, e3_}) {
    const auto engine = RsaVerifier::create(key->n, key->e_bytes);
    ASSERT_NE(engine, nullptr);
    for (int i = 0; i < kRandomCases / 2; ++i) {
      const Hash h = static_cast<Hash>(rng() % 3);
      Bytes hash(hash_size(h));
      for (auto& b : hash)
        b = static_cast<std::uint8_t>(rng());
      Bytes sig = key->sign(h, hash);
      ASSERT_EQ(sig.size(), 256u);
      const bool still_valid = rng() % 3 == 0;
      if (!still_valid) {
        switch (rng() % 3) {
        case 0: sig[rng() % sig.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
        case 1: hash[rng() % hash.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
        default: { // the same signature claimed for another hash algorithm of that length
          const Hash other = static_cast<Hash>((static_cast<int>(h) + 1) % 3);
          hash.resize(hash_size(other), 0x5A);
          expect_all(*key, *engine, other, hash, sig, false, "other hash algorithm");
          ++damaged;
          continue;
        }
        }
      }
      // A flipped signature bit can push s to n or above: all three refuse that too.
      expect_all(*key, *engine, h, hash, sig, still_valid, still_valid ? "valid" : "damaged");
      ++(still_valid ? valid : damaged);
    }
  }
  RecordProperty("valid", valid);
  RecordProperty("damaged", damaged);
  EXPECT_GT(valid, kRandomCases / 5);
  EXPECT_GT(damaged, kRandomCases / 2);
}

// Encoded messages that break one rule each, signed with the raw private operation.
TEST_F(RsaVerifierTest, CraftedEncodingsAreJudgedLikeOpenSslAndMbedtls) {
  for (ReferenceKey* key : {f4_, e3_}) {
    const auto engine = RsaVerifier::create(key->n, key->e_bytes);
    ASSERT_NE(engine, nullptr);
    for (Hash h : {Hash::kSha256, Hash::kSha384, Hash::kSha512}) {
      Bytes hash(hash_size(h));
      for (std::size_t i = 0; i < hash.size(); ++i)
        hash[i] = static_cast<std::uint8_t>(i * 37 + 1);
      const Bytes good = encode(h, hash);
      const std::size_t t = digest_info(h).size() + hash.size();
      auto check = [&](Bytes em, bool expected, const char* what) {
        expect_all(*key, *engine, h, hash, key->raw_private(em), expected, what);
      };
      check(good, true, "the correct encoding");
      Bytes em = good;
      em[1] = 0x02;
      check(em, false, "block type 2");
      em = good;
      em[1] = 0x00;
      check(em, false, "block type 0");
      em = good;
      em[10] = 0xFE;
      check(em, false, "a padding byte not 0xFF");
      em = good;
      em[256 - t - 1] = 0xFF; // no separator: the padding runs into the DigestInfo
      check(em, false, "no zero separator");
      em = good;
      em[256 - t - 1] = 0x01;
      check(em, false, "separator 0x01");
      em = good;
      em[256 - t + 14] ^= 0x03; // another SHA-2 OID in the AlgorithmIdentifier
      check(em, false, "another hash OID");
      em = good;
      em[256 - t + 3] = 0x0e; // AlgorithmIdentifier length off by one
      check(em, false, "a wrong DER length");
      // DigestInfo without the NULL parameters (two bytes shorter, padding two bytes longer).
      {
        Bytes info = digest_info(h);
        info.erase(info.begin() + 15, info.begin() + 17);
        info[1] = static_cast<std::uint8_t>(info[1] - 2);
        info[3] = 0x0b;
        Bytes alt(256, 0xFF);
        alt[0] = 0;
        alt[1] = 1;
        const std::size_t t2 = info.size() + hash.size();
        alt[256 - t2 - 1] = 0;
        std::copy(info.begin(), info.end(), alt.end() - static_cast<std::ptrdiff_t>(t2));
        std::copy(hash.begin(), hash.end(), alt.end() - static_cast<std::ptrdiff_t>(hash.size()));
        check(alt, false, "DigestInfo without NULL parameters");
      }
      // The hash one byte earlier with a trailing byte after it.
      em = good;
      std::rotate(em.begin() + 2, em.begin() + 3, em.end());
      em[255] = 0x00;
      check(em, false, "a trailing byte");
      // The encoded message itself, unsigned: only an engine skipping s^e would accept it.
      expect_all(*key, *engine, h, hash, good, false, "the encoded message as signature");
    }
  }
}

TEST_F(RsaVerifierTest, SignatureValuesAtTheEdgesOfTheModulus) {
  const auto engine = RsaVerifier::create(f4_->n, f4_->e_bytes);
  ASSERT_NE(engine, nullptr);
  const Bytes hash(32, 0x11);
  auto value = [&](int delta) { // n + delta as 256 bytes (delta small)
    Bytes v = f4_->n;
    int carry = delta;
    for (std::size_t i = v.size(); i-- > 0 && carry != 0;) {
      const int x = v[i] + carry;
      v[i] = static_cast<std::uint8_t>(x & 0xFF);
      carry = x >> 8; // arithmetic shift: -1 for a borrow
    }
    return v;
  };
  Bytes zero(256, 0), one(256, 0), all(256, 0xFF);
  one[255] = 1;
  for (const auto& [sig, what] :
       std::vector<std::pair<Bytes, const char*>>{{zero, "s = 0"},
                                                  {one, "s = 1"},
                                                  {value(-1), "s = n - 1"},
                                                  {f4_->n, "s = n"},
                                                  {value(1), "s = n + 1"},
                                                  {all, "s = 2^2048 - 1"}})
    expect_all(*f4_, *engine, Hash::kSha256, hash, sig, false, what);
  // A valid signature one byte short or long (a leading zero) is refused by all three.
  Bytes sig = f4_->sign(Hash::kSha256, hash);
  ASSERT_TRUE(engine->verify(Hash::kSha256, hash, sig));
  Bytes longer = sig;
  longer.insert(longer.begin(), 0);
  EXPECT_FALSE(engine->verify(Hash::kSha256, hash, longer));
  EXPECT_FALSE(f4_->mbedtls_verify(Hash::kSha256, hash, longer));
  if (sig[0] == 0) {
    const Bytes shorter(sig.begin() + 1, sig.end());
    EXPECT_FALSE(engine->verify(Hash::kSha256, hash, shorter));
  }
  EXPECT_FALSE(engine->verify(Hash::kSha256, Bytes(31, 0x11), sig)); // a hash of the wrong size
  // s + n is the same residue: only the range check tells it from s. Found for a hash whose
  // signature is small enough that s + n still fits in 2048 bits.
  bool tried = false;
  for (int i = 0; i < 400 && !tried; ++i) {
    Bytes h2(32, static_cast<std::uint8_t>(i));
    h2[0] = static_cast<std::uint8_t>(i >> 8);
    const Bytes s2 = f4_->sign(Hash::kSha256, h2);
    Bytes plus_n(256);
    unsigned carry = 0;
    for (std::size_t k = 256; k-- > 0;) {
      const unsigned x = s2[k] + f4_->n[k] + carry;
      plus_n[k] = static_cast<std::uint8_t>(x);
      carry = x >> 8;
    }
    if (carry != 0) continue;
    tried = true;
    expect_all(*f4_, *engine, Hash::kSha256, h2, s2, true, "s");
    expect_all(*f4_, *engine, Hash::kSha256, h2, plus_n, false, "s + n");
  }
  EXPECT_TRUE(tried) << "no signature below 2^2048 - n in 400 tries";
}

TEST_F(RsaVerifierTest, OnlyPlainRsa2048KeysGetTheEngine) {
  EXPECT_NE(RsaVerifier::create(f4_->n, f4_->e_bytes), nullptr);
  Bytes with_sign_byte = f4_->n;
  with_sign_byte.insert(with_sign_byte.begin(), 0); // a DER INTEGER's leading zero
  EXPECT_EQ(RsaVerifier::create(with_sign_byte, f4_->e_bytes),
            RsaVerifier::create(f4_->n, f4_->e_bytes)); // and the same cached engine
  Bytes even = f4_->n;
  even.back() &= 0xFE;
  EXPECT_EQ(RsaVerifier::create(even, f4_->e_bytes), nullptr);
  EXPECT_EQ(RsaVerifier::create(Bytes(f4_->n.begin() + 1, f4_->n.end()), f4_->e_bytes), nullptr);
  Bytes bigger = f4_->n;
  bigger.push_back(0x01);
  EXPECT_EQ(RsaVerifier::create(bigger, f4_->e_bytes), nullptr); // 2056 bits
  EXPECT_EQ(RsaVerifier::create(f4_->n, Bytes{0x01}), nullptr);
  EXPECT_EQ(RsaVerifier::create(f4_->n, Bytes{0x01, 0x00, 0x00}), nullptr);             // even
  EXPECT_EQ(RsaVerifier::create(f4_->n, Bytes{0x01, 0x00, 0x00, 0x00, 0x01}), nullptr); // >= 2^32
  EXPECT_EQ(RsaVerifier::create(f4_->n, Bytes{}), nullptr);

  RsaVerifier::pretend_self_test_failed_for_testing(true);
  EXPECT_EQ(RsaVerifier::create(f4_->n, f4_->e_bytes), nullptr);
  RsaVerifier::pretend_self_test_failed_for_testing(false);
  EXPECT_NE(RsaVerifier::create(f4_->n, f4_->e_bytes), nullptr);
}

} // namespace
