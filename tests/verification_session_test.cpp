// The core's one run (VerificationSession), as the CLI's threads and the page's workers drive
// it: work out, results back in any order, under the session's terms, a report only when every
// certificate has exactly one verdict. Also the grouping of loose inputs by reel, and the fleet merger's
// refusal of reports it cannot read.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "fixture_manifest.hpp"
#include "reelcheck/fleet.hpp"
#include "reelcheck/reel_inputs.hpp"
#include "reelcheck/session.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

struct OpenedFixture {
  FixtureInput in;
  std::vector<InputFile> inputs;
};

// A session begun on a fixture, its key held by the lookup as the CLI's key sources do.
VerificationSession begin_fixture(const std::string& name, OpenedFixture& keep,
                                  TrustStore trust = fixture_trust()) {
  keep.in = load_fixture(name);
  keep.inputs = keep.in.inputs();
  VerificationSession session(std::move(trust), fixture_check_time(), Limits{}, 2);
  const Bytes key = keep.in.key;
  const auto error = session.begin(
      keep.inputs, [key](std::string_view) { return SecureBytes(key.begin(), key.end()); });
  EXPECT_FALSE(error.has_value()) << (error ? error->message : "");
  return session;
}

std::string outcome(const Result<Report>& r) {
  return r ? std::string(report_to_json(*r))
           : "error " + std::string(error_code_name(r.error().code)) + ": " + r.error().message;
}

// Unpacks every archive and the keys, verifies nothing: the slices stay with the caller.
std::vector<CertificateSlice> take_all_slices(VerificationSession& session,
                                              const ChainVerifier& verifier) {
  std::vector<CertificateSlice> slices;
  for (int round = 0; round < 10 && !session.settled(); ++round) {
    std::vector<WorkItem> items;
    while (auto item = session.next_work())
      items.push_back(std::move(*item));
    for (auto& item : items) {
      if (auto* slice = std::get_if<CertificateSlice>(&item)) {
        slices.push_back(*slice);
        continue;
      }
      SecureBytes key;
      if (const auto* keys = std::get_if<KeysArchiveJob>(&item)) key = session.key_for(*keys);
      EXPECT_FALSE(session.complete(run_work(item, verifier, as_bytes(key))));
    }
    if (items.empty()) break;
  }
  return slices;
}

// The key a session asks for, wrong for every fixture.
SecureBytes a_wrong_key(std::string_view) {
  const std::string wrong = "not the transport key";
  return SecureBytes(wrong.begin(), wrong.end());
}

} // namespace

// Whatever order the work is done and comes back in, every fixture (good or broken) ends as
// the one-thread BundleReader path ends: the same report byte for byte, or the same error. Both
// ways the front ends take the keys archive: first (the CLI's threads) and last, once every
// certificate archive is in (the page's coordinator).
TEST(VerificationSession, EveryFixtureEndsAsOnOneThreadWhateverOrderTheWorkComesBackIn) {
  for (const auto& [name, entry] : manifest().at("bundles").items()) {
    if (!every_fixture_takes(name)) continue;
    const auto one_thread = outcome(verify_fixture(name));
    for (const bool keys_last : {false, true}) {
      SCOPED_TRACE(name + (keys_last ? " (keys last)" : " (keys first)"));
      EXPECT_EQ(outcome(verify_fixture_in_session(name, {}, false, keys_last)), one_thread);
    }
  }
}

// One slicing policy, for threads and workers alike: guided slices that cover each archive once,
// in order, shrinking towards its end; each names the session's check time and anchors.
TEST(VerificationSession, SlicesAreGuidedAndCarryTheTerms) {
  OpenedFixture keep;
  VerificationSession session = begin_fixture("big", keep);
  const ChainVerifier verifier(session.trust());
  const auto slices = take_all_slices(session, verifier);
  ASSERT_FALSE(slices.empty());
  std::map<std::size_t, std::vector<CertificateSlice>> by_archive;
  for (const auto& slice : slices) {
    EXPECT_EQ(slice.terms, session.terms());
    EXPECT_EQ(slice.terms.anchors, fixture_trust().fingerprint());
    EXPECT_EQ(slice.terms.anchors.size(), 64u);
    by_archive[slice.archive].push_back(slice);
  }
  EXPECT_EQ(by_archive.size(), 3u);
  for (const auto& [archive, parts] : by_archive) {
    std::size_t next = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      EXPECT_EQ(parts[i].begin, next);
      next += parts[i].certificates.size();
      EXPECT_LE(parts[i].certificates.size(), 1024u);
      if (i > 0) {
        EXPECT_LE(parts[i].certificates.size(), parts[i - 1].certificates.size());
      }
      if (i + 1 < parts.size()) {
        EXPECT_GE(parts[i].certificates.size(), 128u);
      }
    }
    EXPECT_GT(parts.size(), 6u) << "4,160 certificates for 2 verifiers: guided, not one slice";
    EXPECT_EQ(next, 4160u);
  }
}

// A session is a value: moved to another owner in the middle of a run, it finishes the run as if
// it had stayed put, with its own limits and terms. The limits here stop the run in its second
// half, where the error names them: the moved session must name its own, not those of whatever
// now occupies the place it began in.
TEST(VerificationSession, AMovedSessionFinishesItsRunUnderItsOwnLimits) {
  Limits tight;
  tight.max_total_size = 9ull << 20; // the big reel unpacks to about 13 MiB
  const auto drive = [](VerificationSession& session, const ChainVerifier& verifier,
                        std::optional<WorkItem> item) {
    for (int round = 0; round < 1000 && item && !session.settled(); ++round) {
      SecureBytes key;
      if (const auto* keys = std::get_if<KeysArchiveJob>(&*item)) key = session.key_for(*keys);
      (void)session.complete(run_work(*item, verifier, as_bytes(key)));
      item = session.next_work();
    }
    return session.error();
  };
  const auto begin = [&](OpenedFixture& keep, const Limits& limits) {
    keep.in = load_fixture("big");
    keep.inputs = keep.in.inputs();
    VerificationSession session(fixture_trust(), fixture_check_time(), limits, 2);
    const Bytes key = keep.in.key;
    EXPECT_FALSE(session.begin(keep.inputs, [key](std::string_view) {
      return SecureBytes(key.begin(), key.end());
    }));
    return session;
  };

  OpenedFixture keep_reference;
  VerificationSession reference = begin(keep_reference, tight);
  const ChainVerifier verifier(reference.trust());
  const auto expected = drive(reference, verifier, reference.next_work());
  ASSERT_TRUE(expected.has_value());
  ASSERT_EQ(expected->code, ErrorCode::kLimitExceeded) << expected->message;

  OpenedFixture keep;
  std::optional<VerificationSession> first(begin(keep, tight));
  auto item = first->next_work();
  VerificationSession moved(std::move(*first));
  Limits roomy;
  roomy.max_total_size = 5ull << 30;
  first.emplace(fixture_trust(), fixture_check_time(), roomy, 2); // in the old one's place
  const auto error = drive(moved, verifier, std::move(item));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message, expected->message);
  EXPECT_EQ(error->code, expected->code);
}

// Verdicts reached at another check time, or under other anchors (a worker set up for another
// run), are refused, and the run fails: never a report mixing two runs' terms.
TEST(VerificationSession, VerdictsUnderOtherTermsAreRefusedAndFailTheRun) {
  const TrustStore other = TrustStore::infineon_default();
  ASSERT_NE(other.fingerprint(), fixture_trust().fingerprint());
  for (const bool other_time : {false, true}) {
    SCOPED_TRACE(other_time ? "other check time" : "other anchors");
    OpenedFixture keep;
    VerificationSession session = begin_fixture("clean_7z", keep);
    const ChainVerifier verifier(session.trust());
    const ChainVerifier stranger(other);
    const auto slices = take_all_slices(session, verifier);
    ASSERT_FALSE(slices.empty());
    for (std::size_t i = 0; i < slices.size(); ++i) {
      CertificateSlice slice = slices[i];
      if (i == slices.size() - 1 && other_time) slice.terms.at += 86400;
      const auto refused = session.complete(
          verify_slice(i == slices.size() - 1 && !other_time ? stranger : verifier, slice));
      if (i + 1 < slices.size()) {
        ASSERT_FALSE(refused);
      } else {
        ASSERT_TRUE(refused);
        EXPECT_NE(refused->message.find(other_time ? "not at the check time" : "other trust anchors"),
                  std::string::npos)
            << refused->message;
      }
    }
    EXPECT_TRUE(session.settled());
    EXPECT_FALSE(session.is_open());
    const auto report = session.report({fixture_check_time(), false});
    ASSERT_FALSE(report.ok());
  }
}

TEST(VerificationSession, RefusesOverlapsMisplacedVerdictsGapsAndUnaskedResults) {
  OpenedFixture keep;
  VerificationSession session = begin_fixture("clean_7z", keep);
  const ChainVerifier verifier(session.trust());
  auto slices = take_all_slices(session, verifier);
  ASSERT_GE(slices.size(), 3u);
  std::vector<VerdictSlice> answers;
  for (const auto& slice : slices)
    answers.push_back(verify_slice(verifier, slice));

  // Each tampered answer is refused on a fresh session (a refusal ends the run).
  auto refused = [&](const std::function<void(VerdictSlice&)>& tamper, const std::string& says) {
    OpenedFixture k;
    VerificationSession s = begin_fixture("clean_7z", k);
    const ChainVerifier v(s.trust());
    const auto ss = take_all_slices(s, v);
    VerdictSlice answer = verify_slice(v, ss.at(1));
    tamper(answer);
    const auto error = s.complete(std::move(answer));
    ASSERT_TRUE(error) << says;
    EXPECT_NE(error->message.find(says), std::string::npos) << error->message;
    EXPECT_FALSE(s.report({fixture_check_time(), false}).ok());
  };
  refused([](VerdictSlice& a) { a.begin += 1; }, "verdicts came back for"); // runs past the end
  refused([](VerdictSlice& a) { std::swap(a.verdicts[0], a.verdicts[1]); }, "was");
  refused([](VerdictSlice& a) { a.archive = 7; }, "not handed out");
  refused([](VerdictSlice& a) { a.begin = 100000; }, "verdicts came back for");
  refused([](VerdictSlice& a) { a.verdicts.pop_back(); a.verdicts.push_back(a.verdicts.front()); },
          "was");

  // The same slice twice: the second is refused.
  ASSERT_FALSE(session.complete(answers[1]));
  const auto twice = session.complete(answers[1]);
  ASSERT_TRUE(twice);
  EXPECT_NE(twice->message.find("two verdicts"), std::string::npos) << twice->message;
}

// A slice answered with no verdicts at all passes as an answer to nothing; the run then has a
// gap where its certificates are, and settles as an error, never as a report.
TEST(VerificationSession, ASliceAnsweredWithNoVerdictsFailsTheRun) {
  OpenedFixture keep;
  VerificationSession session = begin_fixture("clean_7z", keep);
  const ChainVerifier verifier(session.trust());
  const auto slices = take_all_slices(session, verifier);
  ASSERT_GE(slices.size(), 2u);
  std::size_t emptied = 0, sent = 0;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    sent += slices[i].certificates.size();
    VerdictSlice answer = verify_slice(verifier, slices[i]);
    if (i == 1) {
      emptied = answer.verdicts.size();
      answer.verdicts.clear();
    }
    session.complete(std::move(answer));
  }
  ASSERT_GT(emptied, 0u);
  EXPECT_TRUE(session.settled());
  EXPECT_FALSE(session.is_open());
  const auto error = session.error();
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("verification is incomplete"), std::string::npos) << error->message;
  EXPECT_NE(error->message.find(std::to_string(sent) +
                                " certificates were sent to the verifiers but " +
                                std::to_string(sent - emptied) + " verdicts came back"),
            std::string::npos)
      << error->message;
  EXPECT_FALSE(session.report({fixture_check_time(), false}).ok());
  EXPECT_FALSE(session.take_report({fixture_check_time(), false}).ok());
}

TEST(VerificationSession, AResultNobodyAskedForIsRefused) {
  OpenedFixture keep;
  VerificationSession session = begin_fixture("clean_7z", keep);
  const ChainVerifier verifier(session.trust());
  const auto slices = take_all_slices(session, verifier);
  for (const auto& slice : slices)
    ASSERT_FALSE(session.complete(verify_slice(verifier, slice)));
  ASSERT_TRUE(session.is_open());
  EXPECT_TRUE(session.complete(verify_slice(verifier, slices[0])));
  EXPECT_TRUE(session.report({fixture_check_time(), false}).ok()); // the settled run stands
}

// A gap (a slice that never comes back) keeps the run open: no report.
TEST(VerificationSession, NoReportUntilEveryCertificateHasItsVerdict) {
  OpenedFixture keep;
  VerificationSession session = begin_fixture("clean_7z", keep);
  const ChainVerifier verifier(session.trust());
  const auto slices = take_all_slices(session, verifier);
  for (std::size_t i = 1; i < slices.size(); ++i)
    ASSERT_FALSE(session.complete(verify_slice(verifier, slices[i])));
  EXPECT_FALSE(session.settled());
  const auto incomplete = session.report({fixture_check_time(), false});
  ASSERT_FALSE(incomplete.ok());
  EXPECT_NE(incomplete.error().message.find("incomplete"), std::string::npos);
  ASSERT_FALSE(session.complete(verify_slice(verifier, slices[0])));
  const auto report = session.report({fixture_check_time(), false});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->all_ok());
  EXPECT_EQ(report->counts.ok, 20u);
  // The report's check time is the run's.
  EXPECT_FALSE(session.report({fixture_check_time() + 1, false}).ok());
}

// take_report() gives the report report() gives, from the same verdicts moved instead of copied
// (the CLI's one report); after it the session reports no more.
TEST(VerificationSession, TakeReportGivesTheSameReportOnce) {
  OpenedFixture keep;
  VerificationSession session = begin_fixture("mixed", keep);
  const ChainVerifier verifier(session.trust());
  for (const auto& slice : take_all_slices(session, verifier))
    ASSERT_FALSE(session.complete(verify_slice(verifier, slice)));
  ASSERT_TRUE(session.is_open());
  // A wrong check time is refused without taking anything.
  EXPECT_FALSE(session.take_report({fixture_check_time() + 1, true}).ok());
  const auto copied = session.report({fixture_check_time(), true});
  ASSERT_TRUE(copied.ok()) << copied.error().message;
  const auto taken = session.take_report({fixture_check_time(), true});
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_FALSE(taken->all_ok()); // the mixed reel has failed chips: the verdicts came along
  EXPECT_EQ(report_to_json(*taken), report_to_json(*copied));
  for (const auto& again : {session.report({fixture_check_time(), true}),
                            session.take_report({fixture_check_time(), true})}) {
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("already taken"), std::string::npos);
  }
  EXPECT_EQ(session.bundle().certificates.size(), taken->counts.certificates); // the bundle stays
}

// A wrong key is found after the certificate archives were handed out and unpacked: the run
// fails, no slice of them is handed out after it, and nothing of the bundle is kept (no report).
TEST(VerificationSession, AWrongKeyFailsTheRunEvenAfterCertificatesWereHandedOut) {
  FixtureInput in = load_fixture("clean_7z");
  const auto inputs = in.inputs();
  VerificationSession session(fixture_trust(), fixture_check_time());
  ASSERT_FALSE(session.begin(inputs, a_wrong_key));
  std::size_t archives = 0, slices = 0;
  const auto error = run_session_backwards(session, [&](const WorkItem& item,
                                                        const ChainVerifier& v, ByteView key) {
    archives += std::holds_alternative<CertificateArchiveJob>(item);
    slices += std::holds_alternative<CertificateSlice>(item);
    return run_work(item, v, key);
  });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kWrongKey) << error->message;
  EXPECT_EQ(archives, 3u); // all three were unpacked before the keys archive's answer came back
  EXPECT_EQ(slices, 0u);   // and none of their certificates was handed out after it
  EXPECT_FALSE(session.is_open());
  EXPECT_FALSE(session.report({fixture_check_time(), false}).ok());
}

// The keys archive comes first in the jobs' order: a wrong key is the run's answer as soon as it
// is known, before any certificate archive is unpacked (the page says so at once), and no
// certificate archive is handed out after it.
TEST(VerificationSession, AWrongKeyIsDecidedAtOnceAndStopsTheRest) {
  FixtureInput in = load_fixture("clean_7z");
  const auto inputs = in.inputs();
  VerificationSession session(fixture_trust(), fixture_check_time());
  ASSERT_FALSE(session.begin(inputs, a_wrong_key));
  auto first = session.next_work();
  ASSERT_TRUE(first);
  const auto* keys = std::get_if<KeysArchiveJob>(&*first);
  ASSERT_NE(keys, nullptr) << "the keys archive is handed out first";
  const ChainVerifier verifier(session.trust());
  const SecureBytes key = session.key_for(*keys);
  ASSERT_FALSE(session.complete(run_work(*first, verifier, as_bytes(key))));
  const auto error = session.error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kWrongKey);
  EXPECT_FALSE(session.next_work());
  EXPECT_TRUE(session.settled());
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
