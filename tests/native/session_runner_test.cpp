// The CLI's threads run the session's work and fail closed: a thread that fails, a verdict that
// does not answer its certificate, or a verifier under other anchors stops the run with an
// error, never a report with holes.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "fixture_manifest.hpp"
#include "session_runner.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

struct Begun {
  FixtureInput in;
  std::vector<InputFile> inputs;
  VerificationSession session{fixture_trust(), fixture_check_time(), Limits{}, 3};
  std::optional<Error> begin_error;
};

std::unique_ptr<Begun> begin_fixture_run(const std::string& name) {
  auto b = std::make_unique<Begun>();
  b->in = load_fixture(name);
  b->inputs = b->in.inputs();
  const Bytes key = b->in.key;
  const auto e = b->session.begin(
      b->inputs, [key](std::string_view) { return SecureBytes(key.begin(), key.end()); });
  if (e) b->begin_error = e;
  return b;
}

} // namespace

TEST(SessionRunner, ThreadsGiveTheSameReportAsOneThread) {
  for (const std::string name : {"clean_7z", "mixed", "big", "wrong_key", "crc_mismatch"}) {
    if (!every_fixture_takes(name)) continue;
    SCOPED_TRACE(name);
    auto b = begin_fixture_run(name);
    const auto error = b->begin_error ? b->begin_error : cli::run_session(b->session, 3);
    const auto reference = verify_fixture(name);
    if (!reference) {
      ASSERT_TRUE(error);
      EXPECT_EQ(error->message, reference.error().message);
      continue;
    }
    ASSERT_FALSE(error) << error->message;
    const auto report = b->session.report({fixture_check_time(), false});
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report_to_json(*report), report_to_json(*reference));
  }
}

TEST(SessionRunner, AVerdictForTheWrongCertificateFailsTheRun) {
  auto b = begin_fixture_run("clean_7z");
  std::atomic<bool> swapped{false};
  const auto error = cli::run_session(
      b->session, 2, [&](const WorkItem& item, const ChainVerifier& verifier, ByteView key) {
        WorkResult result = run_work(item, verifier, key);
        auto* verdicts = std::get_if<VerdictSlice>(&result);
        if (verdicts && verdicts->verdicts.size() > 2 && !swapped.exchange(true))
          std::swap(verdicts->verdicts[0], verdicts->verdicts[1]);
        return result;
      });
  ASSERT_TRUE(swapped);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("certificate 1 was"), std::string::npos) << error->message;
  EXPECT_FALSE(b->session.report({fixture_check_time(), false}).ok());
}

TEST(SessionRunner, AThreadThatFailsFailsTheRun) {
  auto b = begin_fixture_run("clean_7z");
  std::atomic<int> slices{0};
  const auto error = cli::run_session(
      b->session, 2, [&](const WorkItem& item, const ChainVerifier& verifier, ByteView key) {
        if (std::holds_alternative<CertificateSlice>(item) && slices++ == 1)
          throw std::runtime_error("simulated failure");
        return run_work(item, verifier, key);
      });
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("certificate verification stopped: simulated failure"),
            std::string::npos)
      << error->message;
  EXPECT_FALSE(b->session.report({fixture_check_time(), false}).ok());
}

TEST(SessionRunner, AVerifierUnderOtherAnchorsFailsTheRun) {
  auto b = begin_fixture_run("clean_7z");
  const ChainVerifier stranger(TrustStore::infineon_default());
  const auto error = cli::run_session(
      b->session, 2, [&](const WorkItem& item, const ChainVerifier& verifier, ByteView key) {
        return run_work(item, std::holds_alternative<CertificateSlice>(item) ? stranger : verifier,
                        key);
      });
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("other trust anchors"), std::string::npos) << error->message;
}
