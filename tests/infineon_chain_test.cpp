// The real Infineon chain must verify with our own code and mbedTLS configuration.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "reelcheck/trust.hpp"

using namespace reelcheck;

namespace {

std::vector<std::uint8_t> read_trust_file(const std::string& name) {
  std::ifstream in(std::string(REELCHECK_SOURCE_DIR) + "/core/trust/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

const CheckTime kMid2026 = *parse_check_time("2026-06-01T00:00:00Z");

} // namespace

TEST(InfineonChain, EmbeddedStoreHoldsTheFourPublicCAs) {
  const TrustStore store = TrustStore::infineon_default();
  ASSERT_EQ(store.anchors().size(), 4u);
  std::vector<std::string> fingerprints;
  for (const auto& a : store.anchors())
    fingerprints.push_back(a.fingerprint_sha256);
  // SHA-256 of the DER, as published in shared/reference/infineon-ca/README.md.
  for (const char* fp : {"ee0c827555c4e9012037df4257bb8aaa26084a17b13ede41cd7895c8d6c11190",
                         "4c1d5b89c8a61b0772559b173e9093af8a29cf6dd542116569bbc2e713ed9d93",
                         "b413c71580af3ec5efe83fad31db2d4af4612355e3b01e50903b10763d738894",
                         "e4db515b145f22be438f184ebc36e92b243a617a2660676c4fa99a89e2c7171c"})
    EXPECT_NE(std::find(fingerprints.begin(), fingerprints.end(), fp), fingerprints.end()) << fp;
}

// An issuing CA must verify against its root, with our code and our mbedTLS configuration.
void expect_chains_to(const char* ca_file, const char* key_type, const char* root_cn) {
  const ChainVerifier verifier(TrustStore::infineon_default());
  const auto v = verifier.verify_loose(read_trust_file(ca_file), ca_file, kMid2026);
  ASSERT_TRUE(v.parsed);
  EXPECT_TRUE(v.problems.empty()) << v.problems.front().message;
  EXPECT_EQ(v.key_type, key_type);
  ASSERT_GE(v.chain.size(), 1u);
  EXPECT_EQ(v.chain.front(), root_cn);
}

TEST(InfineonChain, CA306VerifiesAgainstEccRootCA2) {
  expect_chains_to("OptigaTrustEccCA306.pem", "EC P-384", "Infineon OPTIGA(TM) ECC Root CA 2");
}

TEST(InfineonChain, CA309VerifiesAgainstRsaRootCA2) {
  expect_chains_to("OptigaTrustRsaCA309.pem", "RSA 2048", "Infineon OPTIGA(TM) RSA Root CA 2");
}

TEST(InfineonChain, CA306DoesNotVerifyWithoutItsRoot) {
  TrustStore store = TrustStore::empty();
  ASSERT_TRUE(store.add(read_trust_file("OptigaRsaRootCA2.pem"), "rsa-root").ok());
  const ChainVerifier verifier(store);
  const auto v =
      verifier.verify_loose(read_trust_file("OptigaTrustEccCA306.pem"), "CA306", kMid2026);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_EQ(v.problems.front().code, ProblemCode::kIssuerUntrusted);
}

TEST(InfineonChain, ValidityIsJudgedAtTheCheckTime) {
  const ChainVerifier verifier(TrustStore::infineon_default());
  const auto before = verifier.verify_loose(read_trust_file("OptigaTrustEccCA306.pem"), "CA306",
                                            *parse_check_time("2021-01-01"));
  ASSERT_FALSE(before.problems.empty());
  EXPECT_EQ(before.problems.front().code, ProblemCode::kNotYetValid);
  const auto after = verifier.verify_loose(read_trust_file("OptigaTrustRsaCA309.pem"), "CA309",
                                           *parse_check_time("2050-01-01"));
  ASSERT_FALSE(after.problems.empty());
  EXPECT_EQ(after.problems.front().code, ProblemCode::kExpired);
}

TEST(InfineonChain, RejectsNonCaAnchorsAndGarbage) {
  TrustStore store = TrustStore::empty();
  const std::string garbage = "not a certificate";
  auto r = store.add(
      ByteView(reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size()), "junk.pem");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadInput);
  EXPECT_NE(r.error().message.find("junk.pem"), std::string::npos);
}
