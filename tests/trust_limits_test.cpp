// A hostile --trust file is refused by a limit when it is added, before any of its keys is
// used: huge RSA moduli and exponents, too many anchors, too many with one name, deep chains.
// Each limit at its boundary, with certificates made here by the real openssl (keys that no
// key generator would make, like a 16,384-bit modulus, are written as raw public keys and
// certified by openssl with -force_pubkey).
#include <gtest/gtest.h>

#include <ctime>
#include <random>
#include <string>

#include "fixture_manifest.hpp"
#include "reelcheck/trust.hpp"
#include "test_util.hpp"

namespace {

using namespace reelcheck;
using namespace reelcheck::test;

// --- a little DER, for raw RSA public keys ------------------------------------------------

Bytes der_length(std::size_t n) {
  if (n < 0x80) return {static_cast<std::uint8_t>(n)};
  Bytes be;
  for (; n != 0; n >>= 8)
    be.insert(be.begin(), static_cast<std::uint8_t>(n & 0xFF));
  be.insert(be.begin(), static_cast<std::uint8_t>(0x80 | be.size()));
  return be;
}

Bytes tlv(std::uint8_t tag, const Bytes& body) {
  Bytes out{tag};
  const Bytes len = der_length(body.size());
  out.insert(out.end(), len.begin(), len.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A positive INTEGER of exactly `bits` bits, odd, otherwise random.
Bytes random_integer(std::size_t bits, std::mt19937& rng) {
  Bytes be((bits + 7) / 8);
  for (auto& b : be)
    b = static_cast<std::uint8_t>(rng());
  const unsigned top = static_cast<unsigned>((bits - 1) % 8);
  be[0] = static_cast<std::uint8_t>((be[0] & ((1u << top) - 1)) | (1u << top));
  be.back() |= 1;
  if (be[0] & 0x80) be.insert(be.begin(), 0);
  return tlv(0x02, be);
}

Bytes integer(std::uint64_t v) {
  Bytes be;
  for (; v != 0; v >>= 8)
    be.insert(be.begin(), static_cast<std::uint8_t>(v & 0xFF));
  if (be.empty() || (be[0] & 0x80)) be.insert(be.begin(), 0);
  return tlv(0x02, be);
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// SubjectPublicKeyInfo for rsaEncryption with the given modulus and exponent INTEGERs.
Bytes rsa_spki(const Bytes& n, const Bytes& e) {
  const Bytes oid = tlv(0x06, {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01});
  const Bytes algorithm = tlv(0x30, concat(oid, {0x05, 0x00}));
  const Bytes key = tlv(0x30, concat(n, e));
  return tlv(0x30, concat(algorithm, tlv(0x03, concat({0x00}, key))));
}

class TrustLimitsTest : public ::testing::Test {
protected:
  TempDir dir_{"reelcheck-trust-limits"};
  std::mt19937 rng_{7};
  int serial_ = 1;

  void openssl(const std::string& args) {
    ASSERT_EQ(run_shell("cd " + shell_quote(dir_.path().string()) + " && openssl " + args +
                        " >/dev/null 2>&1"),
              0)
        << "openssl " << args;
  }

  void write_ca_extensions() {
    write_file(dir_ / "ca.ext", "basicConstraints=critical,CA:TRUE\n"
                                "keyUsage=critical,keyCertSign,cRLSign\n");
  }

  // A self-signed CA "<name>.pem" with key "<name>.key" (EC P-256 unless `key_options` says).
  void root(const std::string& name, const std::string& cn,
            const std::string& key_options = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256") {
    write_ca_extensions();
    openssl("genpkey " + key_options + " -out " + name + ".key");
    openssl("req -x509 -new -key " + name + ".key -subj '/CN=" + cn + "' -days 3650 -set_serial " +
            std::to_string(serial_++) +
            " -addext basicConstraints=critical,CA:TRUE -addext "
            "keyUsage=critical,keyCertSign,cRLSign -out " +
            name + ".pem");
  }

  // "<name>.pem" issued by "<parent>": a CA unless `leaf`; its own key, or `force_pubkey`.
  void issued(const std::string& name, const std::string& cn, const std::string& parent,
              bool leaf = false, const std::string& force_pubkey = "") {
    write_ca_extensions();
    write_file(dir_ / "leaf.ext", "basicConstraints=critical,CA:FALSE\n"
                                  "keyUsage=critical,digitalSignature\n");
    openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + name + ".key");
    openssl("req -new -key " + name + ".key -subj '/CN=" + cn + "' -out " + name + ".csr");
    openssl("x509 -req -in " + name + ".csr -CA " + parent + ".pem -CAkey " + parent +
            ".key -days 3650 -set_serial " + std::to_string(serial_++) + " -extfile " +
            (leaf ? "leaf.ext" : "ca.ext") +
            (force_pubkey.empty() ? "" : " -force_pubkey " + force_pubkey) + " -out " + name +
            ".pem");
  }

  // A CA certificate (issued by a fresh root) holding a raw RSA public key.
  void raw_rsa_ca(const std::string& name, const Bytes& n, const Bytes& e) {
    write_file(dir_ / (name + ".der"), view(rsa_spki(n, e)));
    openssl("pkey -pubin -inform DER -in " + name + ".der -out " + name + ".pub");
    root(name + "_issuer", "Issuer of " + name);
    issued(name, "Raw RSA CA " + name, name + "_issuer", false, name + ".pub");
  }

  Bytes pem(const std::string& name) { return read_file(dir_ / (name + ".pem")); }

  Bytes pems(std::initializer_list<std::string> names) {
    Bytes all;
    for (const auto& n : names) {
      const Bytes one = pem(n);
      all.insert(all.end(), one.begin(), one.end());
    }
    return all;
  }

  static void expect_refused(const Result<std::size_t>& r, const std::string& message) {
    ASSERT_FALSE(r.ok()) << "expected: " << message;
    EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded) << r.error().message;
    EXPECT_EQ(r.error().message, message);
  }
};

CheckTime now() {
  return static_cast<CheckTime>(std::time(nullptr));
}

TEST_F(TrustLimitsTest, RsaModulusUpTo4096Bits) {
  // Infineon's own RSA Root CA 2 is at the limit.
  const Bytes infineon =
      read_file(fs::path(REELCHECK_SOURCE_DIR) / "core/trust/OptigaRsaRootCA2.pem");
  TrustStore store;
  auto ok = store.add(view(infineon), "infineon.pem");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, 1u);

  TrustLimits smaller;
  smaller.max_rsa_bits = 4095;
  TrustStore strict(smaller);
  expect_refused(strict.add(view(infineon), "infineon.pem"),
                 "infineon.pem: 'Infineon OPTIGA(TM) RSA Root CA 2' has an RSA key of 4096 bits, "
                 "more than the limit of 4095");
  EXPECT_TRUE(strict.anchors().empty());

  // 16,384 bits: every signature check would cost 16 times a 4096-bit one. Refused on sight.
  raw_rsa_ca("huge", random_integer(16384, rng_), integer(65537));
  TrustStore hostile;
  expect_refused(hostile.add(view(pem("huge")), "huge.pem"),
                 "huge.pem: 'Raw RSA CA huge' has an RSA key of 16384 bits, more than the limit "
                 "of 4096");
}

TEST_F(TrustLimitsTest, RsaPublicExponentUpTo32Bits) {
  // A real key with the largest allowed exponent, 2^32 - 1: the anchor works for verification.
  root("e32", "Exponent 32 CA",
       "-algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_keygen_pubexp:4294967295");
  issued("e32_leaf", "Leaf under e32", "e32", /*leaf=*/true);
  TrustStore store;
  auto ok = store.add(view(pem("e32")), "e32.pem");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  const ChainVerifier verifier(store);
  const CertificateVerdict leaf = verifier.verify_loose(view(pem("e32_leaf")), "leaf.pem", now());
  EXPECT_TRUE(leaf.ok()) << (leaf.problems.empty() ? "" : leaf.problems[0].message);
  EXPECT_EQ(leaf.chain, std::vector<std::string>{"Exponent 32 CA"});

  raw_rsa_ca("e33", random_integer(2048, rng_), integer((std::uint64_t{1} << 32) + 1));
  TrustStore over;
  expect_refused(over.add(view(pem("e33")), "e33.pem"),
                 "e33.pem: 'Raw RSA CA e33' has an RSA public exponent of 33 bits, more than the "
                 "limit of 32");

  raw_rsa_ca("huge_e", random_integer(2048, rng_), random_integer(2000, rng_));
  TrustStore hostile;
  expect_refused(hostile.add(view(pem("huge_e")), "huge_e.pem"),
                 "huge_e.pem: 'Raw RSA CA huge_e' has an RSA public exponent of 2000 bits, more "
                 "than the limit of 32");
}

TEST_F(TrustLimitsTest, AnchorsChainedAtMostFourDeep) {
  root("c1", "Chain Root");
  issued("c2", "Chain CA 2", "c1");
  issued("c3", "Chain CA 3", "c2");
  issued("c4", "Chain CA 4", "c3");
  issued("c5", "Chain CA 5", "c4");
  issued("leaf4", "Leaf under CA 4", "c4", /*leaf=*/true);

  TrustStore four;
  auto ok = four.add(view(pems({"c1", "c2", "c3", "c4"})), "four.pem");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, 4u);
  const CertificateVerdict leaf =
      ChainVerifier(four).verify_loose(view(pem("leaf4")), "leaf.pem", now());
  EXPECT_TRUE(leaf.ok()) << (leaf.problems.empty() ? "" : leaf.problems[0].message);
  EXPECT_EQ(leaf.chain.size(), 4u);

  // One more link, in the same file or added later: refused, and nothing of that file kept.
  TrustStore five;
  expect_refused(five.add(view(pems({"c1", "c2", "c3", "c4", "c5"})), "five.pem"),
                 "five.pem: trust anchors chained more than 4 deep ('Chain CA 5' issued by "
                 "'Chain CA 4' issued by 'Chain CA 3' issued by 'Chain CA 2' issued by 'Chain "
                 "Root')");
  EXPECT_TRUE(five.anchors().empty());
  expect_refused(four.add(view(pem("c5")), "c5.pem"),
                 "c5.pem: trust anchors chained more than 4 deep ('Chain CA 5' issued by "
                 "'Chain CA 4' issued by 'Chain CA 3' issued by 'Chain CA 2' issued by 'Chain "
                 "Root')");
  EXPECT_EQ(four.anchors().size(), 4u);
}

TEST_F(TrustLimitsTest, AtMostFourAnchorsShareAName) {
  for (int i = 1; i <= 5; ++i)
    root("same" + std::to_string(i), "Same Name CA");
  TrustStore four;
  auto ok = four.add(view(pems({"same1", "same2", "same3", "same4"})), "four.pem");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, 4u);
  expect_refused(four.add(view(pem("same5")), "same5.pem"),
                 "same5.pem: more than 4 trust anchors named 'Same Name CA'");
  EXPECT_EQ(four.anchors().size(), 4u);
}

TEST_F(TrustLimitsTest, AtMost32AnchorsInAll) {
  const Bytes fixture_trust = read_file(fixtures_dir() / "pki/trust.pem"); // four CAs
  TrustLimits four;
  four.max_anchors = 4;
  TrustStore at(four);
  auto ok = at.add(view(fixture_trust), "trust.pem");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, 4u);

  TrustLimits three;
  three.max_anchors = 3;
  TrustStore over(three);
  expect_refused(over.add(view(fixture_trust), "trust.pem"),
                 "trust.pem: more than 3 trust anchors in all");
  EXPECT_TRUE(over.anchors().empty());

  // The default: 32.
  EXPECT_EQ(TrustLimits{}.max_anchors, 32u);
  Bytes many;
  for (int i = 1; i <= 33; ++i) {
    root("n" + std::to_string(i), "Anchor " + std::to_string(i));
    const Bytes one = pem("n" + std::to_string(i));
    many.insert(many.end(), one.begin(), one.end());
    if (i == 32) {
      TrustStore full;
      auto all = full.add(view(many), "32.pem");
      ASSERT_TRUE(all.ok()) << all.error().message;
      EXPECT_EQ(*all, 32u);
    }
  }
  TrustStore too_many;
  expect_refused(too_many.add(view(many), "33.pem"), "33.pem: more than 32 trust anchors in all");
}

} // namespace
