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

// The page starts verifying while the bundle is still being unpacked: each certificate archive
// is handed out as soon as it is unpacked, and its certificates keep the places they are handed
// out at. Verdicts made from those early copies give the same report as one thread.
TEST(VerificationSession, CertificatesHandedOutArchiveByArchiveKeepTheirPlaces) {
  for (const std::string name : {"mixed", "missing_archive", "clean_7z"}) {
    SCOPED_TRACE(name);
    FixtureInput in = load_fixture(name);
    VerificationSession session(fixture_trust());
    const auto inputs = in.inputs();
    struct HandedOut {
      std::size_t begin;
      std::vector<CertificateFile> certificates; // copies, as a worker would get them
    };
    std::vector<HandedOut> handed_out;
    std::vector<std::string> phases_at_hand_out;
    Phase last_phase = Phase::kReading;
    const auto error = session.open(
        inputs, view(in.key),
        [&](Phase phase, std::uint64_t, std::uint64_t) { last_phase = phase; },
        [&](std::size_t begin, std::span<const CertificateFile> added) {
          handed_out.push_back({begin, {added.begin(), added.end()}});
          phases_at_hand_out.emplace_back(phase_name(last_phase));
        });
    ASSERT_FALSE(error) << error->message;

    // One hand-out per certificate archive, before the bundle is complete (the keys archive is
    // decrypted later), covering every certificate once, in order.
    std::size_t certificate_archives = 0;
    for (const auto& a : session.bundle().archives)
      certificate_archives += a.kind != InnerArchiveKind::kKeys;
    ASSERT_EQ(handed_out.size(), certificate_archives);
    for (const auto& phase : phases_at_hand_out)
      EXPECT_EQ(phase, "decompressing");
    std::size_t next = 0;
    for (const auto& part : handed_out) {
      EXPECT_EQ(part.begin, next);
      ASSERT_FALSE(part.certificates.empty());
      for (std::size_t i = 0; i < part.certificates.size(); ++i) {
        const CertificateFile& kept = session.bundle().certificates.at(part.begin + i);
        EXPECT_EQ(part.certificates[i].archive, kept.archive);
        EXPECT_EQ(part.certificates[i].name, kept.name);
        EXPECT_EQ(part.certificates[i].data, kept.data);
      }
      next += part.certificates.size();
    }
    EXPECT_EQ(next, session.certificate_count());
    EXPECT_TRUE(std::is_sorted(session.bundle().certificates.begin(),
                               session.bundle().certificates.end(),
                               [](const CertificateFile& a, const CertificateFile& b) {
                                 return std::tie(a.archive, a.name) < std::tie(b.archive, b.name);
                               }));

    // Verified from the copies, last archive first: the same report as the one-thread path.
    const ChainVerifier verifier(session.trust());
    for (auto it = handed_out.rbegin(); it != handed_out.rend(); ++it) {
      std::vector<CertificateVerdict> verdicts;
      for (const auto& cert : it->certificates)
        verdicts.push_back(verifier.verify(cert, fixture_check_time()));
      ASSERT_FALSE(session.add_verdicts(it->begin, std::move(verdicts)));
    }
    auto report = session.report({fixture_check_time(), false});
    ASSERT_TRUE(report.ok()) << report.error().message;
    auto reference = verify_fixture(name);
    ASSERT_TRUE(reference.ok());
    EXPECT_EQ(report_to_json(*report), report_to_json(*reference));
  }
}

// A wrong key is found after the certificates were handed out: open() fails, and nothing of
// the bundle is kept (no verdict can be added, no report made).
TEST(VerificationSession, AWrongKeyFailsOpenEvenAfterCertificatesWereHandedOut) {
  FixtureInput in = load_fixture("clean_7z");
  VerificationSession session(fixture_trust());
  const auto inputs = in.inputs();
  std::size_t handed_out = 0;
  const std::string wrong = "not the transport key";
  const auto error = session.open(
      inputs, view(wrong), {},
      [&](std::size_t, std::span<const CertificateFile> added) { handed_out += added.size(); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kWrongKey) << error->message;
  EXPECT_GT(handed_out, 0u);
  EXPECT_FALSE(session.is_open());
  EXPECT_TRUE(session.add_verdicts(0, {}));
  EXPECT_FALSE(session.report({fixture_check_time(), false}).ok());
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
  const std::string good(report_to_json(*report));
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
