// The memo of the anchors' signatures checked with each other's keys (pki/anchor_link_memo):
// the same answers as asking mbedTLS each time, one computation per pair of DERs, never an
// answer for a certificate that differs by a byte, bounded, and a second ChainVerifier over the
// same anchors links them without checking a signature again.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture_manifest.hpp"
#include "pki/anchor_link_memo.hpp"
#include "pki/infineon_cas.hpp"
#include "pki/parsed_certificate.hpp"
#include "reelcheck/trust.hpp"

using namespace reelcheck;
using namespace reelcheck::test;
using reelcheck::detail::AnchorLinkMemo;
using reelcheck::detail::SignatureCheck;

namespace {

detail::CrtPtr fixture_certificate(const std::string& name) {
  const Bytes pem = read_file(fixtures_dir() / "pki" / name);
  auto parsed = detail::parse_certificates(view(pem), name);
  if (!parsed.ok()) throw std::runtime_error("fixture " + name + ": " + parsed.error().message);
  return std::move(parsed).value();
}

// The same certificate with one byte of its signature changed (the last byte of the DER, which
// is inside the signature's BIT STRING).
detail::CrtPtr with_damaged_signature(const mbedtls_x509_crt& crt) {
  Bytes der(crt.raw.p, crt.raw.p + crt.raw.len);
  der.back() ^= 0x01;
  auto parsed = detail::parse_certificates(view(der), "damaged");
  if (!parsed.ok()) throw std::runtime_error("damaged copy: " + parsed.error().message);
  return std::move(parsed).value();
}

} // namespace

TEST(AnchorLinkMemo, AnswersAsMbedTlsDoesAndComputesEachPairOnce) {
  const auto ecc_root = fixture_certificate("ecc_root.pem");
  const auto ecc_ca = fixture_certificate("ecc_ca.pem");
  const auto rsa_root = fixture_certificate("rsa_root.pem");
  const auto rsa_ca = fixture_certificate("rsa_ca.pem");
  struct Pair {
    const mbedtls_x509_crt* child;
    const mbedtls_x509_crt* parent;
    SignatureCheck expected;
  };
  const Pair pairs[] = {
      {ecc_root.get(), ecc_root.get(), SignatureCheck::kValid}, // P-521, self-signed
      {ecc_ca.get(), ecc_root.get(), SignatureCheck::kValid},   // P-384 CA by the P-521 root
      {rsa_root.get(), rsa_root.get(), SignatureCheck::kValid}, // RSA-4096, self-signed
      {rsa_ca.get(), rsa_root.get(), SignatureCheck::kValid},   // RSA-2048 CA by the root
      {ecc_ca.get(), rsa_root.get(), SignatureCheck::kInvalid}, // another key
      {rsa_ca.get(), ecc_root.get(), SignatureCheck::kInvalid}, // another key type
      {ecc_ca.get(), ecc_ca.get(), SignatureCheck::kInvalid},   // not self-signed
  };
  AnchorLinkMemo memo;
  for (const Pair& p : pairs) {
    ASSERT_EQ(detail::check_signature(*p.child, *p.parent), p.expected);
    EXPECT_EQ(memo.check(*p.child, *p.parent), p.expected);
  }
  EXPECT_EQ(memo.checks_made(), std::size(pairs));
  for (const Pair& p : pairs)
    EXPECT_EQ(memo.check(*p.child, *p.parent), p.expected);
  EXPECT_EQ(memo.checks_made(), std::size(pairs)) << "asked again, found";
  EXPECT_EQ(memo.size(), std::size(pairs));
}

TEST(AnchorLinkMemo, ACertificateThatDiffersByOneByteIsCheckedAgain) {
  const auto root = fixture_certificate("ecc_root.pem");
  const auto damaged_root = with_damaged_signature(*root);
  const auto ca = fixture_certificate("ecc_ca.pem");
  const auto damaged_ca = with_damaged_signature(*ca);
  AnchorLinkMemo memo;
  EXPECT_EQ(memo.check(*root, *root), SignatureCheck::kValid);
  EXPECT_EQ(memo.check(*ca, *root), SignatureCheck::kValid);
  // Same names, same keys, one byte of the signature changed: not the memo's earlier answer.
  EXPECT_EQ(memo.check(*damaged_root, *damaged_root), SignatureCheck::kInvalid);
  EXPECT_EQ(memo.check(*damaged_ca, *root), SignatureCheck::kInvalid);
  // The parent's DER is part of the question too: the damaged root still holds the same key.
  EXPECT_EQ(memo.check(*ca, *damaged_root), SignatureCheck::kValid);
  EXPECT_EQ(memo.checks_made(), 5u);
}

TEST(AnchorLinkMemo, StaysWithinItsBound) {
  const auto ecc_root = fixture_certificate("ecc_root.pem");
  const auto ecc_ca = fixture_certificate("ecc_ca.pem");
  const auto rsa_root = fixture_certificate("rsa_root.pem");
  AnchorLinkMemo memo(2);
  EXPECT_EQ(memo.check(*ecc_ca, *ecc_root), SignatureCheck::kValid);
  EXPECT_EQ(memo.check(*ecc_ca, *rsa_root), SignatureCheck::kInvalid);
  EXPECT_EQ(memo.size(), 2u);
  EXPECT_EQ(memo.check(*ecc_root, *ecc_root), SignatureCheck::kValid);
  EXPECT_LE(memo.size(), 2u);
  // Forgotten answers are computed again, and still right.
  EXPECT_EQ(memo.check(*ecc_ca, *rsa_root), SignatureCheck::kInvalid);
  EXPECT_EQ(memo.check(*ecc_ca, *ecc_root), SignatureCheck::kValid);
  EXPECT_LE(memo.size(), 2u);
  EXPECT_GE(memo.checks_made(), 4u);
}

TEST(AnchorLinkMemo, ASecondVerifierOverTheSameAnchorsChecksNoAnchorSignatureAgain) {
  const TrustStore store = fixture_trust();
  const Bytes ca_pem = read_file(fixtures_dir() / "pki" / "ecc_ca.pem");
  const CheckTime at = fixture_check_time();

  detail::AnchorLinkMemo& memo = detail::anchor_link_memo();
  memo.clear(); // whatever earlier tests in this program linked
  const std::size_t before = memo.checks_made();
  ChainVerifier first(store);
  first.prepare();
  const std::size_t after_first = memo.checks_made();
  // The fixtures' four anchors: each CA's signature by its root. The roots' own signatures are
  // not needed: no other anchor bears a root's name.
  EXPECT_EQ(after_first - before, 2u);
  ChainVerifier second(store);
  second.prepare();
  EXPECT_EQ(memo.checks_made(), after_first);

  // And the links are the same: the CA chains to its root under both.
  const auto a = first.verify_loose(view(ca_pem), "ecc_ca.pem", at);
  const auto b = second.verify_loose(view(ca_pem), "ecc_ca.pem", at);
  EXPECT_TRUE(a.problems.empty());
  EXPECT_FALSE(a.chain.empty());
  EXPECT_EQ(a.problems.size(), b.problems.size());
  EXPECT_EQ(a.chain, b.chain);
}

namespace {

// The embedded Infineon CAs, in kInfineonCas's order (found by fingerprint).
std::vector<detail::CrtPtr> embedded_infineon_cas() {
  std::vector<detail::CrtPtr> out(std::size(detail::kInfineonCas));
  for (std::string_view pem : detail::embedded_trust_pems()) {
    auto parsed = detail::parse_certificates(
        ByteView(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()), "embedded");
    if (!parsed.ok()) throw std::runtime_error("an embedded PEM does not parse");
    const auto fingerprint = detail::sha256_hex(ByteView((*parsed)->raw.p, (*parsed)->raw.len));
    for (std::size_t i = 0; i < out.size(); ++i)
      if (detail::kInfineonCas[i].fingerprint_sha256 == fingerprint) out[i] = std::move(*parsed);
  }
  return out;
}

} // namespace

TEST(AnchorLinkMemo, TheBuiltInAnchorsLinksAreTheSignaturesMbedTlsChecks) {
  const auto cas = embedded_infineon_cas();
  for (std::size_t i = 0; i < cas.size(); ++i)
    ASSERT_TRUE(cas[i]) << "Infineon CA " << i << " of kInfineonCas is not embedded";
  for (const auto& link : detail::kInfineonCaLinks) {
    SCOPED_TRACE("child " + std::to_string(link.child) + ", parent " + std::to_string(link.parent));
    EXPECT_EQ(detail::check_signature(*cas[link.child], *cas[link.parent]), SignatureCheck::kValid);
  }
  // And no other pair of them is a link (a CA does not sign the other family's CA).
  for (std::size_t c = 0; c < cas.size(); ++c)
    for (std::size_t p = 0; p < cas.size(); ++p) {
      const bool listed =
          std::any_of(std::begin(detail::kInfineonCaLinks), std::end(detail::kInfineonCaLinks),
                      [&](const auto& l) { return l.child == c && l.parent == p; });
      if (listed) continue;
      EXPECT_NE(detail::check_signature(*cas[c], *cas[p]), SignatureCheck::kValid)
          << c << " by " << p;
    }
}

TEST(AnchorLinkMemo, AVerifierOverTheBuiltInTrustChecksNoAnchorSignature) {
  detail::AnchorLinkMemo& memo = detail::anchor_link_memo();
  memo.clear();
  detail::remember_builtin_links(memo); // as the process's memo starts
  const std::size_t before = memo.checks_made();
  ChainVerifier verifier(TrustStore::infineon_default());
  verifier.prepare();
  EXPECT_EQ(memo.checks_made(), before);
  // Without them, the same verifier checks each CA's link with mbedTLS (a root's own signature
  // only matters when another anchor bears its name, and none does).
  memo.clear();
  ChainVerifier again(TrustStore::infineon_default());
  again.prepare();
  const auto ca_links =
      std::count_if(std::begin(detail::kInfineonCaLinks), std::end(detail::kInfineonCaLinks),
                    [](const auto& link) { return link.child != link.parent; });
  EXPECT_EQ(ca_links, 2);
  EXPECT_EQ(memo.checks_made(), before + std::size_t(ca_links));
  detail::remember_builtin_links(memo);
}

TEST(AnchorLinkMemo, TheBuiltInLinksHoldForTheEmbeddedBytesOnly) {
  AnchorLinkMemo memo;
  detail::remember_builtin_links(memo);
  const auto cas = embedded_infineon_cas();
  const auto damaged_root = with_damaged_signature(*cas[0]);
  EXPECT_EQ(memo.check(*cas[0], *cas[0]), SignatureCheck::kValid);
  EXPECT_EQ(memo.checks_made(), 0u);
  EXPECT_EQ(memo.check(*damaged_root, *damaged_root), SignatureCheck::kInvalid);
  EXPECT_EQ(memo.checks_made(), 1u);
}

// A root's own signature tells a root from a CA that another anchor of the same name signed (a
// renewed or cross-signed root). With no such anchor the answer cannot change the links, and
// mbedTLS's P-521 or RSA-4096 check is not made; with one, it is.
TEST(AnchorLinkMemo, ARootsOwnSignatureIsCheckedOnlyWhenAnotherAnchorBearsItsName) {
  const auto ecc_root = fixture_certificate("ecc_root.pem");
  const Bytes ca_pem = read_file(fixtures_dir() / "pki" / "ecc_ca.pem");
  const CheckTime at = fixture_check_time();
  detail::AnchorLinkMemo& memo = detail::anchor_link_memo();

  memo.clear();
  ChainVerifier plain(fixture_trust());
  plain.prepare();
  const std::size_t made = memo.checks_made();
  EXPECT_EQ(memo.check(*ecc_root, *ecc_root), SignatureCheck::kValid);
  EXPECT_EQ(memo.checks_made(), made + 1) << "the root's own signature was not checked before";
  EXPECT_FALSE(plain.verify_loose(view(ca_pem), "ecc_ca.pem", at).chain.empty());

  // The same anchors and a second one named as the ECC root (a damaged copy): now the root's own
  // signature decides, and is checked while the verifier links its anchors.
  TrustStore with_namesake = fixture_trust();
  const auto damaged = with_damaged_signature(*ecc_root);
  ASSERT_TRUE(with_namesake.add(ByteView(damaged->raw.p, damaged->raw.len), "damaged root").ok());
  memo.clear();
  ChainVerifier linked(with_namesake);
  linked.prepare();
  const std::size_t made_with_namesake = memo.checks_made();
  EXPECT_EQ(memo.check(*ecc_root, *ecc_root), SignatureCheck::kValid);
  EXPECT_EQ(memo.check(*damaged, *damaged), SignatureCheck::kInvalid);
  EXPECT_EQ(memo.checks_made(), made_with_namesake) << "both own signatures were checked in prepare()";
  const auto verdict = linked.verify_loose(view(ca_pem), "ecc_ca.pem", at);
  EXPECT_TRUE(verdict.problems.empty());
  EXPECT_FALSE(verdict.chain.empty());
  memo.clear();
  detail::remember_builtin_links(memo); // as the process's memo starts
}
