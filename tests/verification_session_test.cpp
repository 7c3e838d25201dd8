// The core's one pipeline (VerificationSession), as the CLI's threads and the page's workers
// drive it: slices out, verdicts back in any order, a report only when every certificate has
// exactly one verdict. Also the grouping of loose inputs by reel, and the fleet merger's
// refusal of reports it cannot read.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture_manifest.hpp"
#include "reelcheck/fleet.hpp"
#include "reelcheck/reel_inputs.hpp"
#include "reelcheck/session.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

std::vector<CertificateVerdict> verify_slice(const VerificationSession& session,
                                             CertificateSlice slice) {
  const ChainVerifier verifier(session.trust());
  std::vector<CertificateVerdict> out;
  for (const auto& cert : session.certificates(slice))
    out.push_back(verifier.verify(cert, fixture_check_time()));
  return out;
}

VerificationSession open_fixture(const std::string& name, FixtureInput& keep) {
  keep = load_fixture(name);
  VerificationSession session(fixture_trust());
  const auto inputs = keep.inputs();
  const auto error = session.open(inputs, view(keep.key));
  EXPECT_FALSE(error.has_value()) << (error ? error->message : "");
  return session;
}

} // namespace

TEST(VerificationSession, SlicesReturnedInAnyOrderGiveTheSameReportAsOneThread) {
  FixtureInput in;
  VerificationSession session = open_fixture("mixed", in);
  const auto plan = session.plan_slices(7);
  ASSERT_EQ(plan.size(), (60u + 6) / 7);
  EXPECT_EQ(plan.back().end, 60u);
  for (auto it = plan.rbegin(); it != plan.rend(); ++it) // last slice first
    ASSERT_FALSE(session.add_verdicts(it->begin, verify_slice(session, *it)));
  const ReportOptions options{fixture_check_time(), false};
  auto report = session.report(options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  auto reference = verify_fixture("mixed");
  ASSERT_TRUE(reference.ok());
  EXPECT_EQ(report_to_json(*report), report_to_json(*reference));
  expect_matches_manifest(*report, bundle_entry("mixed")["expected"]);
}

TEST(VerificationSession, RefusesOverlapsMisplacedVerdictsAndGaps) {
  FixtureInput in;
  VerificationSession session = open_fixture("clean_7z", in);
  const auto plan = session.plan_slices(16);
  ASSERT_GE(plan.size(), 3u);
  ASSERT_FALSE(session.add_verdicts(plan[1].begin, verify_slice(session, plan[1])));
  // The same slice again, or one overlapping it: two verdicts for one certificate.
  EXPECT_TRUE(session.add_verdicts(plan[1].begin, verify_slice(session, plan[1])));
  EXPECT_TRUE(session.add_verdicts(plan[1].begin - 1,
                                   verify_slice(session, {plan[0].end - 1, plan[1].end - 1})));
  // Verdicts for other certificates than the ones at that place.
  auto shifted = verify_slice(session, plan[2]);
  EXPECT_TRUE(
      session.add_verdicts(plan[0].begin, std::vector(shifted.begin(), shifted.begin() + 4)));
  // Past the end.
  EXPECT_TRUE(session.add_verdicts(session.certificate_count(), verify_slice(session, plan[0])));
  // A gap: slice 0 never came back.
  for (std::size_t i = 2; i < plan.size(); ++i)
    ASSERT_FALSE(session.add_verdicts(plan[i].begin, verify_slice(session, plan[i])));
  auto incomplete = session.report({fixture_check_time(), false});
  ASSERT_FALSE(incomplete.ok());
  EXPECT_NE(incomplete.error().message.find("incomplete"), std::string::npos);
  ASSERT_FALSE(session.add_verdicts(0, verify_slice(session, plan[0])));
  auto report = session.report({fixture_check_time(), false});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->all_ok());
  EXPECT_EQ(report->counts.ok, 20u);
}

TEST(ReelGrouping, LooseArchivesOfOneReelBecomeOneReelBesideWholeBundles) {
  const FixtureInput loose = load_fixture("clean_loose"); // E0E0, E0E1, E0E2, keys
  const FixtureInput mixed = load_fixture("mixed");
  const auto files = loose.inputs();
  std::vector<HandedOverItem> items = {
      {loose.names[3], {files[3]}, false}, {"mixed.7z", mixed.inputs(), false},
      {loose.names[0], {files[0]}, false}, {loose.names[2], {files[2]}, false},
      {loose.names[0], {files[0]}, false}, // the same archive again
      {loose.names[1], {files[1]}, false},
  };
  const auto reels = group_inputs_by_reel(items);
  ASSERT_EQ(reels.size(), 2u);
  EXPECT_EQ(reels[0].name, "R2400017_B7F3C1");
  EXPECT_EQ(reels[0].items, (std::vector<std::size_t>{0, 2, 3, 5}));
  ASSERT_EQ(reels[0].findings.size(), 1u);
  EXPECT_EQ(reels[0].findings[0].code, FindingCode::kDuplicateInput);
  EXPECT_EQ(reels[1].name, "mixed.7z");
  // The grouped files open as the complete reel.
  const auto reel_files_ = reel_files(reels[0], items);
  auto bundle = BundleReader().open(reel_files_, view(loose.key));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_TRUE(bundle->missing_archives.empty());
  EXPECT_EQ(bundle->certificates.size(), 60u);
  // Alone, an inner archive is a stray.
  const auto stray = group_inputs_by_reel(std::span(items).subspan(0, 1));
  ASSERT_EQ(stray.size(), 1u);
  ASSERT_EQ(stray[0].findings.size(), 1u);
  EXPECT_EQ(stray[0].findings[0].code, FindingCode::kStrayArchive);
}

TEST(FleetMerger, ReportsItCannotReadAreErrorsNeverExceptions) {
  auto report = verify_fixture("clean_7z");
  ASSERT_TRUE(report.ok());
  const std::string good = report_to_json(*report);
  FleetMerger merger;
  ASSERT_FALSE(merger.add_report("good.json", good));
  for (const std::string& bad :
       {std::string("not json"), std::string("[]"), std::string(R"({"schema": 7})"),
        std::string(R"({"schema": "reelcheck-report", "schema_version": 99})"),
        good.substr(0, good.size() / 2)}) {
    const auto error = merger.add_report("bad.json", bad);
    EXPECT_TRUE(error.has_value()) << bad.substr(0, 60);
  }
  // A report that says 20 chips but lists fewer is not counted as a smaller reel.
  auto j = nlohmann::json::parse(good);
  j["chips"].erase(j["chips"].begin());
  EXPECT_TRUE(merger.add_report("short.json", j.dump()));
  const FleetSummary fleet = merger.summary();
  EXPECT_EQ(fleet.totals.reels, 1u);
  EXPECT_TRUE(fleet.all_ok());
}
