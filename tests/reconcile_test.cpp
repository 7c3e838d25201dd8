// Reconciling a reel's report with what the line provisioned (issue 16, part 4), in the core:
// the seen list, the report reader shared with the fleet merge, and the four files' text.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

#include "fixture_manifest.hpp"
#include "reelcheck/reconcile.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

// The clean reel's report as `verify --json` writes it (20 chips, ...0034 to ...0047).
const std::string& clean_report_json() {
  static const std::string json = [] {
    const FixtureInput in = load_fixture("clean_7z");
    const auto inputs = in.inputs();
    auto bundle = BundleReader().open(inputs, view(in.key));
    if (!bundle) throw std::runtime_error(bundle.error().message);
    const TrustStore trust = fixture_trust();
    const ChainVerifier verifier(trust);
    std::vector<CertificateVerdict> verdicts;
    for (const auto& cert : bundle->certificates)
      verdicts.push_back(verifier.verify(cert, fixture_check_time()));
    const Report report =
        build_report(*bundle, std::move(verdicts), trust, {fixture_check_time(), false});
    const SecureString text = report_to_json(report);
    return std::string(text.begin(), text.end());
  }();
  return json;
}

ReportDigest clean_digest() {
  auto digest = read_report_digest(clean_report_json());
  if (!digest) throw std::runtime_error(digest.error().message);
  return std::move(*digest);
}

std::string chip(int n) { // the clean reel's chip IDs
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04X", 0x34 + n);
  return "0A1B2C3D4E5F0012" + std::string(buffer);
}

std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

} // namespace

TEST(SeenList, ChipIdsAndUidsOneALineCommentsAndBlanksSkippedMalformedLinesReported) {
  const std::string text = "\xEF\xBB\xBF# station 3, shift 2\r\n" + chip(0) +
                           "\r\n\n   \nCD1633820100120005000A0A1B2C3D4E5F001200358B1E53A0F10B\n"
                           "  # a comment after spaces\n0a:1b:2c:3d:4e:5f:00:12:00:36\n"
                           "0A1B2C3D4E5F001200\nhello\n" +
                           chip(0) + "\n" + chip(3); // no line break at the end
  const SeenList seen = parse_seen_list(text);
  ASSERT_EQ(seen.chips.size(), 5u);
  EXPECT_EQ(seen.chips[0].chip_id, chip(0));
  EXPECT_EQ(seen.chips[0].line, 2u);
  EXPECT_EQ(seen.chips[1].chip_id, chip(1)) << "a UID gives its chip ID";
  EXPECT_EQ(seen.chips[2].chip_id, chip(2));
  EXPECT_EQ(seen.chips[3].line, 10u);
  EXPECT_EQ(seen.chips[4].chip_id, chip(3));
  ASSERT_EQ(seen.malformed.size(), 2u);
  EXPECT_EQ(seen.malformed[0].line, 8u);
  EXPECT_EQ(seen.malformed[0].text, "0A1B2C3D4E5F001200");
  EXPECT_EQ(seen.malformed[1].line, 9u);
  EXPECT_NE(seen.malformed[1].message.find("line 9"), std::string::npos);
  EXPECT_TRUE(parse_seen_list("").chips.empty());
}

TEST(Reconcile, NeverSeenChipsAreToDeactivateSeenChipsOutsideTheReelAreForeign) {
  const ReportDigest digest = clean_digest();
  ASSERT_EQ(digest.chips.size(), 20u);
  std::string seen_text;
  for (int n = 0; n < 20; ++n)
    if (n != 4 && n != 11) seen_text += chip(n) + "\n";
  seen_text += chip(7) + "\n";                                             // provisioned twice
  seen_text += "6677889900A100120036\n6677889900A100120036\n";             // another reel's chip
  seen_text += "CD1633820100120005000AFFFFFFFFFFFF000000008B1E53A0F10B\n"; // a UID of no reel
  const Reconciliation r = reconcile("r.json", digest, parse_seen_list(seen_text), std::nullopt);

  EXPECT_EQ(r.counts.bundle_chips, 20u);
  EXPECT_EQ(r.counts.seen_lines, 22u);
  EXPECT_EQ(r.counts.seen_chips, 20u);
  EXPECT_EQ(r.counts.seen_in_bundle, 18u);
  EXPECT_EQ(r.counts.seen_repeated, 2u);
  ASSERT_EQ(r.unused.size(), 2u);
  EXPECT_EQ(r.unused[0].chip_id, chip(4));
  EXPECT_EQ(r.unused[1].chip_id, chip(11));
  EXPECT_EQ(r.counts.certificates_to_deactivate, 6u);
  ASSERT_EQ(r.foreign.size(), 2u);
  EXPECT_TRUE(r.foreign_alarm());
  EXPECT_EQ(r.foreign[0].chip_id, "6677889900A100120036");
  EXPECT_EQ(r.foreign[0].first_line, 20u);
  EXPECT_EQ(r.foreign[0].times, 2u);
  EXPECT_EQ(r.foreign[1].chip_id, "FFFFFFFFFFFF00000000");
  EXPECT_TRUE(r.never_seen_known());

  // deactivate.sh: one call per certificate of each unused chip, by AWS's certificate ID (the
  // report's fingerprint_sha256 of the DER, lower-case hex).
  const std::string script = reconcile_deactivate_script(r);
  EXPECT_EQ(script.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_EQ(count_of(script, "\naws iot update-certificate --certificate-id "), 6u) << script;
  const ReportDigestChip& unused = digest.chips[4];
  ASSERT_EQ(unused.chip_id, chip(4));
  for (const auto& id : unused.certificate_sha256)
    EXPECT_NE(
        script.find("aws iot update-certificate --certificate-id " + id + " --new-status INACTIVE"),
        std::string::npos)
        << id;
  for (const auto& id : digest.chips[5].certificate_sha256)
    EXPECT_EQ(script.find(id), std::string::npos) << "a seen chip's certificate stays active";

  const std::string csv = reconcile_unused_csv(r);
  EXPECT_EQ(csv.rfind("chip_id,status,E0E0_certificate_id,E0E1_certificate_id,"
                      "E0E2_certificate_id\n",
                      0),
            0u);
  EXPECT_NE(csv.find(chip(4) + ",ok," + unused.certificate_sha256[0] + "," +
                     unused.certificate_sha256[1] + "," + unused.certificate_sha256[2] + "\n"),
            std::string::npos)
      << csv;
  EXPECT_EQ(reconcile_foreign_csv(r), "chip_id,first_line,seen,times\n"
                                      "6677889900A100120036,20,6677889900A100120036,2\n"
                                      "FFFFFFFFFFFF00000000,22,"
                                      "CD1633820100120005000AFFFFFFFFFFFF000000008B1E53A0F10B,1\n");
  const auto summary = nlohmann::json::parse(reconcile_summary_json(r));
  EXPECT_EQ(summary["schema"], "reelcheck-reconcile");
  EXPECT_EQ(summary["verdict"], "foreign_chips");
  EXPECT_EQ(summary["reel_id"], "R2400017");
  EXPECT_EQ(summary["slot"], "all");
  EXPECT_EQ(summary["counts"]["unused"], 2);
  EXPECT_EQ(summary["counts"]["foreign"], 2);
  EXPECT_EQ(summary["counts"]["certificates_to_deactivate"], 6);
  EXPECT_EQ(summary["foreign"][0]["chip_id"], "6677889900A100120036");
}

TEST(Reconcile, OneSlotMalformedLinesAndAllSeen) {
  const ReportDigest digest = clean_digest();
  std::string all;
  for (int n = 0; n < 20; ++n)
    all += chip(n) + "\n";
  const Reconciliation everything = reconcile("r.json", digest, parse_seen_list(all), {});
  EXPECT_TRUE(everything.unused.empty());
  EXPECT_FALSE(everything.foreign_alarm());
  EXPECT_EQ(nlohmann::json::parse(reconcile_summary_json(everything))["verdict"], "ok");
  EXPECT_EQ(count_of(reconcile_deactivate_script(everything), "aws iot"), 0u);

  // --slot E0E1: only that slot's certificate of each unused chip.
  const Reconciliation one = reconcile("r.json", digest, parse_seen_list(chip(0)), Slot::kE0E1);
  EXPECT_EQ(one.unused.size(), 19u);
  EXPECT_EQ(one.counts.certificates_to_deactivate, 19u);
  const std::string script = reconcile_deactivate_script(one);
  EXPECT_EQ(count_of(script, "\naws iot update-certificate"), 19u);
  EXPECT_NE(script.find(digest.chips[1].certificate_sha256[1]), std::string::npos);
  EXPECT_EQ(script.find(digest.chips[1].certificate_sha256[0]), std::string::npos);

  // A malformed line might be a provisioned chip: "never seen" is then not known.
  const Reconciliation bad =
      reconcile("r.json", digest, parse_seen_list(chip(0) + "\n0A1B2C3D4E\n"), {});
  EXPECT_FALSE(bad.never_seen_known());
  EXPECT_EQ(bad.counts.malformed_lines, 1u);
  const auto summary = nlohmann::json::parse(reconcile_summary_json(bad));
  EXPECT_EQ(summary["verdict"], "incomplete");
  EXPECT_EQ(summary["malformed_lines"][0]["line"], 2);
  EXPECT_EQ(summary["files"], nlohmann::json({"summary.json", "foreign.csv"}));

  // A list that names no chip would deactivate the whole reel: more likely the wrong file.
  const Reconciliation empty = reconcile("r.json", digest, parse_seen_list("# shift 2\n\n"), {});
  EXPECT_FALSE(empty.never_seen_known());
  EXPECT_EQ(nlohmann::json::parse(reconcile_summary_json(empty))["verdict"], "incomplete");
}

TEST(Reconcile, TextFromTheReportCannotEscapeTheScriptsComments) {
  auto j = nlohmann::json::parse(clean_report_json());
  j["reel_id"] = "R1\nrm -rf ~ #";
  j["batch_id"] = "B\r\x7f";
  const auto digest = read_report_digest(j.dump());
  ASSERT_TRUE(digest.ok()) << digest.error().message;
  const std::string script =
      reconcile_deactivate_script(reconcile("x\ny.json", *digest, parse_seen_list(""), {}));
  for (std::string_view line : {std::string_view("rm -rf"), std::string_view("y.json")}) {
    const auto at = script.find(line);
    ASSERT_NE(at, std::string::npos);
    EXPECT_NE(script.rfind('#', at), std::string::npos);
    EXPECT_GT(script.rfind('#', at), script.rfind('\n', at)) << "still inside a comment";
  }
}

TEST(ReportDigest, ReportsLackingWhatReconcileNeedsAreErrorsNeverEmptyReels) {
  const auto good = nlohmann::json::parse(clean_report_json());
  ASSERT_TRUE(read_report_digest(good.dump()).ok());
  const std::vector<std::pair<const char*, std::function<void(nlohmann::json&)>>> damage = {
      {"status", [](auto& j) { j["chips"][3].erase("status"); }},
      {"unknown status", [](auto& j) { j["chips"][3]["status"] = "fine"; }},
      {"fingerprint_sha256",
       [](auto& j) { j["chips"][3]["certificates"]["E0E1"].erase("fingerprint_sha256"); }},
      {"lower-case hex",
       [](auto& j) { j["chips"][3]["certificates"]["E0E1"]["fingerprint_sha256"] = "ABCD"; }},
      {"\"E0E2\" certificate entry", [](auto& j) { j["chips"][3]["certificates"].erase("E0E2"); }},
      {"chip_id", [](auto& j) { j["chips"][3].erase("chip_id"); }},
      {"counts.chips", [](auto& j) { j["chips"].erase(j["chips"].begin()); }},
      {"reel_id", [](auto& j) { j.erase("reel_id"); }},
      {"schema", [](auto& j) { j["schema"] = "something-else"; }},
  };
  for (const auto& [expected, spoil] : damage) {
    nlohmann::json j = good;
    spoil(j);
    const auto digest = read_report_digest(j.dump());
    ASSERT_FALSE(digest.ok()) << expected;
    EXPECT_NE(digest.error().message.find(expected), std::string::npos)
        << expected << ": " << digest.error().message;
  }
  EXPECT_FALSE(read_report_digest(clean_report_json().substr(0, 500)).ok());
  // A chip ID in lower case is the same chip: spelled as the line's are, it is not foreign.
  nlohmann::json lower = good;
  lower["chips"][0]["chip_id"] = "0a1b2c3d4e5f00120034";
  const auto digest = read_report_digest(lower.dump());
  ASSERT_TRUE(digest.ok()) << digest.error().message;
  EXPECT_EQ(digest->chips[0].chip_id, chip(0));
  EXPECT_FALSE(reconcile("r.json", *digest, parse_seen_list(chip(0)), {}).foreign_alarm());
}

// Found by fuzz_report_digest: the reader checked counts.chips and nothing else, so a report whose
// chips were out of order or listed twice, or whose counts or verdict disagreed with its chips,
// was read; the merge summed the counts while the reconciliation went by the chips (a chip listed
// twice was unused twice, its certificates on the deactivation list twice).
TEST(ReportDigest, CountsOrderAndVerdictMustAgreeWithTheChips) {
  const auto good = nlohmann::json::parse(clean_report_json());
  const std::vector<std::pair<const char*, std::function<void(nlohmann::json&)>>> damage = {
      {"listed twice", [](auto& j) { j["chips"][4]["chip_id"] = j["chips"][3]["chip_id"]; }},
      {"listed twice", // the same chip in another spelling
       [](auto& j) { j["chips"][4]["chip_id"] = "0a1b2c3d4e5f00120037"; }},
      {"not sorted by chip ID", [](auto& j) { std::swap(j["chips"][3], j["chips"][4]); }},
      {"counts.ok says 20 but the report lists 19",
       [](auto& j) { j["chips"][3]["status"] = "failed"; }},
      {"counts.ok says 19", [](auto& j) { j["counts"]["ok"] = 19; }},
      {"counts.failed says 1", [](auto& j) { j["counts"]["failed"] = 1; }},
      {"counts.extra says 2", [](auto& j) { j["counts"]["extra"] = 2; }},
      {"counts.certificates says 59", [](auto& j) { j["counts"]["certificates"] = 59; }},
      {"more than counts.certificates", [](auto& j) { j["counts"]["certificates_ok"] = 61; }},
      {"the verdict is \"ok\"", // and yet a certificate is not
       [](auto& j) { j["counts"]["certificates"] = 61; }},
      {"the verdict is \"ok\"",
       [](auto& j) {
         j["findings"].push_back({{"severity", "error"}, {"code", "x"}});
       }},
  };
  for (const auto& [expected, spoil] : damage) {
    nlohmann::json j = good;
    spoil(j);
    const auto digest = read_report_digest(j.dump());
    ASSERT_FALSE(digest.ok()) << expected;
    EXPECT_NE(digest.error().message.find(expected), std::string::npos)
        << expected << ": " << digest.error().message;
    FleetMerger merger; // the merge reads reports the same way
    EXPECT_TRUE(merger.add_report("r.json", j.dump()).has_value()) << expected;
  }
  // A failed reel's counts agree with its chips as the writer makes them: read as it is.
  nlohmann::json failed = good;
  failed["chips"][3]["status"] = "failed";
  failed["counts"]["ok"] = 19;
  failed["counts"]["failed"] = 1;
  failed["verdict"] = "failed";
  const auto digest = read_report_digest(failed.dump());
  ASSERT_TRUE(digest.ok()) << digest.error().message;
  EXPECT_EQ(digest->counts.failed, 1u);
}
