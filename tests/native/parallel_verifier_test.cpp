// The CLI's threaded verification fails closed: a thread that fails or a verdict that does not
// answer its certificate stops the run with an error, never a report with holes.
#include <gtest/gtest.h>

#include <stdexcept>

#include "fixture_manifest.hpp"
#include "parallel_verifier.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

Bundle clean_bundle() {
  const FixtureInput in = load_fixture("clean_7z");
  const auto inputs = in.inputs();
  auto bundle = BundleReader().open(inputs, view(in.key));
  if (!bundle) throw std::runtime_error(bundle.error().message);
  return std::move(bundle).value();
}

} // namespace

TEST(ParallelVerifier, EveryCertificateGetsItsOwnVerdict) {
  const Bundle bundle = clean_bundle();
  ASSERT_GT(bundle.certificates.size(), 40u);
  const auto verdicts =
      cli::verify_in_parallel(bundle.certificates, fixture_trust(), fixture_check_time(), 3, {});
  ASSERT_TRUE(verdicts.ok()) << verdicts.error().message;
  ASSERT_EQ(verdicts->size(), bundle.certificates.size());
  for (std::size_t i = 0; i < verdicts->size(); ++i)
    EXPECT_EQ((*verdicts)[i].file, bundle.certificates[i].name);
}

TEST(ParallelVerifier, AVerdictForTheWrongCertificateFailsTheRun) {
  const Bundle bundle = clean_bundle();
  const auto& victim = bundle.certificates[7];
  const auto& other = bundle.certificates[3];
  const cli::VerifyFn swapped = [&](const ChainVerifier& verifier, const CertificateFile& file,
                                    CheckTime at) {
    return verifier.verify(file.name == victim.name ? other : file, at);
  };
  const auto verdicts = cli::verify_in_parallel(bundle.certificates, fixture_trust(),
                                                fixture_check_time(), 2, {}, swapped);
  ASSERT_FALSE(verdicts.ok());
  EXPECT_NE(
      verdicts.error().message.find("certificate 8 was " + victim.archive + "/" + victim.name),
      std::string::npos)
      << verdicts.error().message;
}

TEST(ParallelVerifier, AThreadThatFailsFailsTheRun) {
  const Bundle bundle = clean_bundle();
  const cli::VerifyFn failing = [&](const ChainVerifier& verifier, const CertificateFile& file,
                                    CheckTime at) {
    if (file.name == bundle.certificates[20].name) throw std::runtime_error("simulated failure");
    return verifier.verify(file, at);
  };
  const auto verdicts = cli::verify_in_parallel(bundle.certificates, fixture_trust(),
                                                fixture_check_time(), 2, {}, failing);
  ASSERT_FALSE(verdicts.ok());
  EXPECT_NE(verdicts.error().message.find("certificate verification stopped: simulated failure"),
            std::string::npos)
      << verdicts.error().message;
}
