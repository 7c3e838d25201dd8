// The device-certificate rules beyond signatures and dates: keyUsage, which CA family may issue
// which slot, renewed CAs (several anchors with one name and key), and the reason mbedTLS gives
// for a certificate it refuses. The certificates are made here by the openssl CLI, signed by
// the fixtures' test PKI (tests/fixtures/make_fixtures.py: P-521 root -> P-384 CA 306 ->
// P-256 devices; RSA 4096 root -> RSA 2048 CA 309 -> RSA 2048 devices).
#include <gtest/gtest.h>

#include <ctime>

#include "fixture_manifest.hpp"
#include "reelcheck/trust.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

constexpr const char* kExtensions = R"(
[ device ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ device_no_key_usage ]
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ device_key_encipherment ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ device_unknown_critical ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
1.3.6.1.4.1.55555.7 = critical, ASN1:UTF8String:must be understood

[ ca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
)";

// Issues certificates with `openssl x509 -req` in a scratch folder; certificates start now, so
// the check time is a little later than now.
class TestIssuer {
public:
  TestIssuer() { write_file(dir_ / "ext.cnf", std::string_view(kExtensions)); }

  fs::path pki(const std::string& name) const { return fixtures_dir() / "pki" / name; }

  // A fresh device key ("ec" = P-256, "rsa" = RSA 2048) certified by `ca` (a PKI name).
  Bytes device(const std::string& key, const std::string& ca, const std::string& extensions) {
    const std::string n = std::to_string(++count_);
    const fs::path k = dir_ / ("dev" + n + ".key"), csr = dir_ / ("dev" + n + ".csr");
    const std::string algorithm = key == "rsa" ? "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
                                               : "-algorithm EC -pkeyopt ec_paramgen_curve:P-256";
    run("openssl genpkey " + algorithm + " -out " + shell_quote(k.string()));
    run("openssl req -new -key " + shell_quote(k.string()) + " -subj '/CN=device " + n + "' -out " +
        shell_quote(csr.string()));
    return sign(csr, ca, extensions, 30);
  }

  // CA `ca` once more: same name and key, issued again by `root` for `days` days.
  Bytes reissue_ca(const std::string& ca, const std::string& root, int days) {
    const fs::path csr = dir_ / (ca + "-again.csr");
    run("openssl x509 -x509toreq -in " + shell_quote(pki(ca + ".pem").string()) + " -signkey " +
        shell_quote(pki(ca + ".key").string()) + " -out " + shell_quote(csr.string()));
    return sign(csr, root, "ca", days);
  }

private:
  Bytes sign(const fs::path& csr, const std::string& ca, const std::string& extensions, int days) {
    const fs::path out = dir_ / ("cert" + std::to_string(++count_) + ".pem");
    run("openssl x509 -req -in " + shell_quote(csr.string()) + " -CA " +
        shell_quote(pki(ca + ".pem").string()) + " -CAkey " +
        shell_quote(pki(ca + ".key").string()) + " -set_serial " + std::to_string(1000 + count_) +
        " -days " + std::to_string(days) + " -sha384 -extfile " +
        shell_quote((dir_ / "ext.cnf").string()) + " -extensions " + extensions + " -out " +
        shell_quote(out.string()));
    return read_file(out);
  }
  static void run(const std::string& command) {
    if (run_shell(command + " 2>/dev/null") != 0) throw std::runtime_error("failed: " + command);
  }

  TempDir dir_{"reelcheck-pki"};
  int count_ = 0;
};

const CheckTime kSoon = static_cast<CheckTime>(std::time(nullptr)) + 2 * 86400;

CertificateVerdict verify_in_slot(const TrustStore& trust, const Bytes& pem, Slot slot) {
  const std::string chip = "0A1B2C3D4E5F00010001";
  const std::string s(slot_name(slot));
  return ChainVerifier(trust).verify(
      CertificateFile{"R1_B1_" + s + "_Certs.7z", chip + "_" + s + ".pem", slot, pem}, kSoon);
}

TrustStore store_of(const std::vector<Bytes>& pems) {
  TrustStore store = TrustStore::empty();
  for (const auto& pem : pems)
    if (!store.add(view(pem), "test").ok()) throw std::runtime_error("bad anchor");
  return store;
}

std::string problems_text(const CertificateVerdict& v) {
  std::string out;
  for (const auto& p : v.problems)
    out += std::string(problem_code_name(p.code)) + ": " + p.message + "\n";
  return out;
}

} // namespace

TEST(PkiRules, DeviceKeyUsageMustAllowDigitalSignatureWhenPresent) {
  TestIssuer issuer;
  const TrustStore trust = fixture_trust();
  const auto good = verify_in_slot(trust, issuer.device("ec", "ecc_ca", "device"), Slot::kE0E0);
  EXPECT_TRUE(good.ok()) << problems_text(good);
  const auto absent =
      verify_in_slot(trust, issuer.device("ec", "ecc_ca", "device_no_key_usage"), Slot::kE0E1);
  EXPECT_TRUE(absent.ok()) << problems_text(absent);

  const auto wrong =
      verify_in_slot(trust, issuer.device("ec", "ecc_ca", "device_key_encipherment"), Slot::kE0E0);
  EXPECT_EQ(sorted_codes(wrong.problems), std::vector<std::string>{"wrong_key_usage"})
      << problems_text(wrong);
}

TEST(PkiRules, EachSlotMustBeIssuedByItsOwnCaFamily) {
  TestIssuer issuer;
  const TrustStore trust = fixture_trust();
  const auto rsa_ok = verify_in_slot(trust, issuer.device("rsa", "rsa_ca", "device"), Slot::kE0E2);
  EXPECT_TRUE(rsa_ok.ok()) << problems_text(rsa_ok);

  // An RSA 2048 device certificate (right key type for E0E2) issued by the ECC CA 306.
  const auto rsa_by_ecc =
      verify_in_slot(trust, issuer.device("rsa", "ecc_ca", "device"), Slot::kE0E2);
  EXPECT_EQ(sorted_codes(rsa_by_ecc.problems), std::vector<std::string>{"wrong_ca_family"})
      << problems_text(rsa_by_ecc);
  EXPECT_NE(problems_text(rsa_by_ecc).find("slot E0E2 must be issued under the RSA CA family"),
            std::string::npos)
      << problems_text(rsa_by_ecc);

  // And the other way round: a P-256 certificate for E0E0/E0E1 issued by the RSA CA 309.
  for (Slot slot : {Slot::kE0E0, Slot::kE0E1}) {
    const auto ecc_by_rsa = verify_in_slot(trust, issuer.device("ec", "rsa_ca", "device"), slot);
    EXPECT_EQ(sorted_codes(ecc_by_rsa.problems), std::vector<std::string>{"wrong_ca_family"})
        << problems_text(ecc_by_rsa);
  }
}

TEST(PkiRules, ARenewedCaThatExpiredDoesNotHideTheValidOne) {
  TestIssuer issuer;
  const fs::path pki = fixtures_dir() / "pki";
  // CA 306 issued twice with the same name and key: once valid for a single day from now (so
  // expired at the check time, two days ahead), once valid until 2050 (the fixture's).
  const Bytes expired_ca = issuer.reissue_ca("ecc_ca", "ecc_root", 1);
  const Bytes device = issuer.device("ec", "ecc_ca", "device");
  for (bool expired_first : {true, false}) {
    std::vector<Bytes> anchors{read_file(pki / "ecc_root.pem")};
    if (expired_first) anchors.push_back(expired_ca);
    anchors.push_back(read_file(pki / "ecc_ca.pem"));
    if (!expired_first) anchors.push_back(expired_ca);
    const auto v = verify_in_slot(store_of(anchors), device, Slot::kE0E0);
    EXPECT_TRUE(v.ok()) << "expired first: " << expired_first << "\n" << problems_text(v);
    EXPECT_EQ(v.chain.size(), 2u);
  }
  // With only the expired one, the expiry is reported.
  const auto only_expired =
      verify_in_slot(store_of({read_file(pki / "ecc_root.pem"), expired_ca}), device, Slot::kE0E0);
  EXPECT_EQ(sorted_codes(only_expired.problems), std::vector<std::string>{"expired"})
      << problems_text(only_expired);
}

TEST(PkiRules, ARefusedCertificateSaysWhyNotJustThatItIsNoCertificate) {
  TestIssuer issuer;
  const auto v = verify_in_slot(
      fixture_trust(), issuer.device("ec", "ecc_ca", "device_unknown_critical"), Slot::kE0E0);
  ASSERT_EQ(sorted_codes(v.problems), std::vector<std::string>{"unparsable"});
  EXPECT_NE(v.problems[0].message.find("unknown critical extension (OID 1.3.6.1.4.1.55555.7)"),
            std::string::npos)
      << v.problems[0].message;

  const std::string garbage =
      "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
  const auto damaged =
      verify_in_slot(fixture_trust(), Bytes(garbage.begin(), garbage.end()), Slot::kE0E0);
  ASSERT_EQ(sorted_codes(damaged.problems), std::vector<std::string>{"unparsable"});
  EXPECT_NE(damaged.problems[0].message.find("damaged PEM"), std::string::npos)
      << damaged.problems[0].message;
}
