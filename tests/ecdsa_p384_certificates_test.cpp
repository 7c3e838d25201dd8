// On real certificates (the fixture PKI's P-384 and RSA-2048 CAs and their device
// certificates), the verify-only engines must agree with mbedTLS's own verification, valid or
// damaged (signature bytes and signed bytes flipped).
#include <gtest/gtest.h>

#include <mbedtls/md.h>
#include <mbedtls/pk.h>

#include "fixture_manifest.hpp"
#include "crypto/ecdsa_p384.hpp"
#include "pki/parsed_certificate.hpp"
#include "crypto/rsa_verifier.hpp"
#include "reelcheck/trust.hpp"

#include <algorithm>

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

bool mbedtls_says(const mbedtls_x509_crt& child, const mbedtls_x509_crt& ca) {
  return detail::check_signature(child, ca, nullptr) == detail::SignatureCheck::kValid;
}
bool engine_says(const mbedtls_x509_crt& child, const mbedtls_x509_crt& ca,
                 const detail::FastIssuerKey& fast) {
  return detail::check_signature(child, ca, &fast) == detail::SignatureCheck::kValid;
}

} // namespace

// The fixture CA `ca_name`'s device certificates of signature type `sig_pk`, valid and damaged:
// the fast engine for the CA's key must give mbedTLS's verdict on each.
void expect_engine_agrees_on_fixture_certificates(const char* ca_name, mbedtls_pk_type_t sig_pk,
                                                  const detail::FastIssuerKey& fast);

TEST(EcdsaP384Certificates, AgreeWithMbedtlsOnValidAndDamagedSignatures) {
  const Bytes ca_pem = read_file(fixtures_dir() / manifest()["pki"]["ecc_ca"].get<std::string>());
  auto ca = detail::parse_certificates(view(ca_pem), "ecc_ca");
  ASSERT_TRUE(ca.ok());
  const auto fast = detail::fast_issuer_key(**ca);
  ASSERT_NE(fast.p384, nullptr);
  EXPECT_EQ(fast.rsa, nullptr);
  expect_engine_agrees_on_fixture_certificates("ecc_ca", MBEDTLS_PK_ECDSA, fast);
}

TEST(RsaCertificates, AgreeWithMbedtlsOnValidAndDamagedSignatures) {
  const Bytes ca_pem = read_file(fixtures_dir() / manifest()["pki"]["rsa_ca"].get<std::string>());
  auto ca = detail::parse_certificates(view(ca_pem), "rsa_ca");
  ASSERT_TRUE(ca.ok());
  const auto fast = detail::fast_issuer_key(**ca);
  ASSERT_NE(fast.rsa, nullptr);
  EXPECT_EQ(fast.p384, nullptr);
  expect_engine_agrees_on_fixture_certificates("rsa_ca", MBEDTLS_PK_RSA, fast);
}

void expect_engine_agrees_on_fixture_certificates(const char* ca_name, mbedtls_pk_type_t sig_pk,
                                                  const detail::FastIssuerKey& fast) {
  const Bytes ca_pem = read_file(fixtures_dir() / manifest()["pki"][ca_name].get<std::string>());
  auto ca = detail::parse_certificates(view(ca_pem), ca_name);
  ASSERT_TRUE(ca.ok());

  std::size_t valid = 0, checked = 0;
  for (const auto& entry : fs::directory_iterator(fixtures_dir() / "bundles/mixed_certs")) {
    if (entry.path().extension() != ".pem") continue;
    const Bytes pem = read_file(entry.path());
    auto cert = detail::parse_certificates(view(pem), "cert");
    ASSERT_TRUE(cert.ok());
    if ((*cert)->sig_pk != sig_pk) continue;
    const bool expected = mbedtls_says(**cert, **ca);
    EXPECT_EQ(engine_says(**cert, **ca, fast), expected) << entry.path();
    valid += expected;
    ++checked;

    // Damage: every 7th byte of the signature, and a byte of the signed part.
    Bytes der((*cert)->raw.p, (*cert)->raw.p + (*cert)->raw.len);
    const std::size_t sig_offset = static_cast<std::size_t>((*cert)->sig.p - (*cert)->raw.p);
    const std::size_t tbs_offset = static_cast<std::size_t>((*cert)->tbs.p - (*cert)->raw.p);
    std::vector<std::size_t> flips = {tbs_offset + (*cert)->tbs.len / 2};
    for (std::size_t i = 0; i < (*cert)->sig.len; i += 7)
      flips.push_back(sig_offset + i);
    for (std::size_t at : flips) {
      Bytes damaged = der;
      damaged[at] ^= 0x01;
      auto broken = detail::parse_certificates(view(damaged), "damaged");
      if (!broken.ok()) continue; // the flip broke the DER: nothing to verify
      EXPECT_EQ(engine_says(**broken, **ca, fast), mbedtls_says(**broken, **ca))
          << entry.path() << " flip at " << at;
    }
  }
  EXPECT_GE(checked, sig_pk == MBEDTLS_PK_RSA ? 15u : 30u);
  EXPECT_GE(valid, 10u);
}

namespace {

// Every certificate's verdict (problem codes and messages, and the chain) by one verifier.
std::vector<std::string> verdicts_of(const ChainVerifier& verifier, CheckTime at,
                                     std::size_t* valid = nullptr) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(fixtures_dir() / "bundles/mixed_certs")) {
    if (entry.path().extension() != ".pem") continue;
    const Bytes pem = read_file(entry.path());
    const auto v = verifier.verify_loose(view(pem), entry.path().filename().string(), at);
    std::string line = entry.path().filename().string() + ":";
    for (const auto& p : v.problems)
      line += " [" + std::string(problem_code_name(p.code)) + "] " + p.message;
    line += " chain:";
    for (const auto& name : v.chain)
      line += " " + name;
    out.push_back(line);
    if (valid) *valid += v.ok();
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Switches the P-384 engine off for the verifiers made in its scope (they keep their choice).
struct WithoutP384Engine {
  WithoutP384Engine() { detail::EcdsaP384Verifier::pretend_self_test_failed_for_testing(true); }
  ~WithoutP384Engine() { detail::EcdsaP384Verifier::pretend_self_test_failed_for_testing(false); }
  WithoutP384Engine(const WithoutP384Engine&) = delete;
  WithoutP384Engine& operator=(const WithoutP384Engine&) = delete;
};

} // namespace

// Tables built ahead (ChainVerifier::prepare, as the page's verifiers do) change no verdict.
// The reference is a verifier without the P-384 engine, whose signatures mbedTLS checks: two
// verifiers with the engine would share one engine per key, tables and all (create() caches
// them), so comparing those would compare the prepared tables with themselves.
TEST(EcdsaP384Certificates, PreparedTablesGiveTheSameVerdicts) {
  const Bytes trust_pem = read_file(fixtures_dir() / "pki/trust.pem");
  TrustStore store = TrustStore::empty();
  ASSERT_TRUE(store.add(view(trust_pem), "trust.pem").ok());
  const Bytes ca_pem = read_file(fixtures_dir() / manifest()["pki"]["ecc_ca"].get<std::string>());
  auto ca = detail::parse_certificates(view(ca_pem), "ecc_ca");
  ASSERT_TRUE(ca.ok());
  const CheckTime at = *parse_check_time("2026-06-01T00:00:00Z");

  const auto reference = [&] {
    const WithoutP384Engine off;
    EXPECT_EQ(detail::p384_verifier_for(**ca), nullptr);
    return std::make_unique<const ChainVerifier>(store);
  }();
  const ChainVerifier prepared(store);
  prepared.prepare();
  // The engine must be what is tested: were its self-test failing (tables broken enough for
  // it to notice), both verifiers would be mbedTLS and agree.
  const auto engine = detail::p384_verifier_for(**ca);
  ASSERT_NE(engine, nullptr) << "the P-384 engine's self-test failed";

  std::size_t valid = 0;
  const auto with_prepared_tables = verdicts_of(prepared, at, &valid);
  EXPECT_EQ(with_prepared_tables, verdicts_of(*reference, at));
  EXPECT_GE(with_prepared_tables.size(), 30u);
  EXPECT_GE(valid, 10u);
}

// If an engine's self-test ever failed (a miscompilation, a platform quirk), every P-384 and
// RSA-2048 signature must go through mbedTLS instead, with the same verdicts.
TEST(EcdsaP384Certificates, FallBackToMbedtlsWhenTheSelfTestFails) {
  const Bytes trust_pem = read_file(fixtures_dir() / "pki/trust.pem");
  TrustStore store = TrustStore::empty();
  ASSERT_TRUE(store.add(view(trust_pem), "trust.pem").ok());
  const Bytes ca_pem = read_file(fixtures_dir() / manifest()["pki"]["ecc_ca"].get<std::string>());
  auto ca = detail::parse_certificates(view(ca_pem), "ecc_ca");
  ASSERT_TRUE(ca.ok());
  const CheckTime at = *parse_check_time("2026-06-01T00:00:00Z");

  const auto verdicts = [&] {
    const ChainVerifier verifier(store);
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(fixtures_dir() / "bundles/mixed_certs")) {
      if (entry.path().extension() != ".pem") continue;
      const Bytes pem = read_file(entry.path());
      const auto v = verifier.verify_loose(view(pem), entry.path().filename().string(), at);
      std::string line = entry.path().filename().string() + ":";
      for (const auto& p : v.problems)
        line += " " + p.message;
      out.push_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const Bytes rsa_ca_pem =
      read_file(fixtures_dir() / manifest()["pki"]["rsa_ca"].get<std::string>());
  auto rsa_ca = detail::parse_certificates(view(rsa_ca_pem), "rsa_ca");
  ASSERT_TRUE(rsa_ca.ok());
  ASSERT_NE(detail::p384_verifier_for(**ca), nullptr);
  ASSERT_NE(detail::rsa_verifier_for(**rsa_ca), nullptr);
  const auto with_engine = verdicts();
  detail::EcdsaP384Verifier::pretend_self_test_failed_for_testing(true);
  detail::RsaVerifier::pretend_self_test_failed_for_testing(true);
  const bool engine_refused =
      detail::p384_verifier_for(**ca) == nullptr && detail::rsa_verifier_for(**rsa_ca) == nullptr;
  const auto with_mbedtls = verdicts();
  detail::EcdsaP384Verifier::pretend_self_test_failed_for_testing(false);
  detail::RsaVerifier::pretend_self_test_failed_for_testing(false);
  EXPECT_TRUE(engine_refused);
  EXPECT_EQ(with_engine, with_mbedtls);
  EXPECT_GE(with_engine.size(), 30u);
}
