// Differential test: for every certificate of the mixed bundle (good ones, a forged signature,
// a look-alike CA, expired, not yet valid, wrong key types, a CA as device, ...), our chain
// verdict equals what `openssl verify` says at the same time with the same anchors.
#include <gtest/gtest.h>

#include <map>

#include "fixture_manifest.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

// openssl's X509_V_ERR_* numbers for the failures a chain can have.
const std::map<int, std::string> kOpensslErrorToCode = {
    {0, "ok"},
    {7, "signature_invalid"}, // certificate signature failure
    {9, "not_yet_valid"},     // certificate is not yet valid
    {10, "expired"},          // certificate has expired
    {20, "issuer_untrusted"}, // unable to get local issuer certificate
    {2, "issuer_untrusted"},  // unable to get issuer certificate
};

// The chain part of our verdict (key type, CA flag and file naming are rules openssl does not
// know about).
std::string our_chain_code(const CertificateVerdict& v) {
  for (const auto& p : v.problems)
    if (p.code == ProblemCode::kSignatureInvalid || p.code == ProblemCode::kIssuerUntrusted ||
        p.code == ProblemCode::kExpired || p.code == ProblemCode::kNotYetValid)
      return std::string(problem_code_name(p.code));
  return "ok";
}

int openssl_verify_error(const fs::path& cert, const TempDir& tmp) {
  const auto out = tmp / "openssl.txt";
  const std::string trust = (fixtures_dir() / manifest().at("trust").get<std::string>()).string();
  const std::string at = std::to_string(manifest().at("check_time_epoch").get<long long>());
  run_shell("openssl verify -attime " + at + " -CAfile " + shell_quote(trust) + " " +
            shell_quote(cert.string()) + " > " + shell_quote(out.string()) + " 2>&1");
  const Bytes b = read_file(out);
  const std::string text(b.begin(), b.end());
  if (text.find(": OK") != std::string::npos) return 0;
  const auto pos = text.find("error ");
  return pos == std::string::npos ? -1 : std::atoi(text.c_str() + pos + 6);
}

} // namespace

TEST(OpensslDifferential, ChainVerdictsEqualOpensslVerify) {
  const fs::path dir = fixtures_dir() / "bundles/mixed_certs";
  const ChainVerifier verifier(fixture_trust());
  TempDir tmp("reelcheck-diff");
  std::size_t compared = 0, failures_seen = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".pem") continue;
    const std::string name = entry.path().filename().string();
    const Bytes pem = read_file(entry.path());
    const std::string slot = name.substr(name.find('_') + 1, 4);
    const CertificateVerdict ours =
        verifier.verify(CertificateFile{"", name, *parse_slot(slot), pem}, fixture_check_time());
    const int openssl_error = openssl_verify_error(entry.path(), tmp);
    ASSERT_TRUE(kOpensslErrorToCode.count(openssl_error))
        << name << ": openssl error " << openssl_error;
    EXPECT_EQ(our_chain_code(ours), kOpensslErrorToCode.at(openssl_error)) << name;
    failures_seen += openssl_error != 0;
    ++compared;
  }
  EXPECT_GE(compared, 60u);
  EXPECT_GE(failures_seen, 4u) << "the mixed bundle must exercise failing chains";
}
