// The page's report view (wasm/report_view.cpp) is written by the reports' streaming JsonWriter:
// it must be exactly the text the view's earlier nlohmann tree gave (the oracle below, that
// tree kept here), for full and certificates-only reports of the fixtures, failed chips and
// findings included, and more findings than the view lists.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fixture_manifest.hpp"
#include "reelcheck/codes.hpp"
#include "report_view.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

using Json = nlohmann::ordered_json;

Json oracle_problems(const std::vector<Problem>& problems) {
  Json out = Json::array();
  for (const auto& p : problems)
    out.push_back(Json{{"code", problem_code_name(p.code)}, {"message", p.message}});
  return out;
}

Json oracle_row(const ChipRecord& c) {
  Json slots = Json::object();
  for (Slot s : kAllSlots) {
    const auto& v = c.certificates[static_cast<std::size_t>(s)];
    slots[std::string(slot_name(s))] = v ? Json(v->ok() ? "ok" : "failed") : Json(nullptr);
  }
  const char* secrets = c.pbs.present && c.auth.present   ? "both"
                        : c.pbs.present || c.auth.present ? "partial"
                                                          : "none";
  return Json{{"chip_id", c.chip_id},
              {"status", chip_status_name(c.status)},
              {"wafer_x", c.wafer_x},
              {"wafer_y", c.wafer_y},
              {"slots", std::move(slots)},
              {"secrets", secrets},
              {"reasons", oracle_problems(c.reasons)}};
}

std::string oracle_view(const Report& r) {
  Json archives = Json::array();
  for (const auto& a : r.archives)
    archives.push_back(
        Json{{"kind", inner_archive_kind_name(a.kind)}, {"name", a.name}, {"entries", a.entries}});
  Json missing = Json::array();
  for (auto kind : r.missing_archives)
    missing.push_back(inner_archive_kind_name(kind));
  Json findings = Json::array(), duplicates = Json::array();
  std::size_t errors = 0;
  for (const auto& f : r.findings) {
    if (f.code == FindingCode::kDuplicateBundle)
      duplicates.push_back(f.message);
    else if (f.severity == Severity::kError)
      ++errors;
    if (findings.size() < wasm::kViewFindings)
      findings.push_back(Json{{"severity", severity_name(f.severity)},
                              {"code", finding_code_name(f.code)},
                              {"file", f.file},
                              {"line", f.line},
                              {"chip_id", f.chip_id},
                              {"message", f.message}});
  }
  Json rows = Json::array();
  for (const auto& c : r.chips)
    rows.push_back(oracle_row(c));
  const Json out{{"check_time", r.check_time},
                 {"reel_id", r.reel_id},
                 {"batch_id", r.batch_id},
                 {"verdict", r.all_ok() ? "ok" : "failed"},
                 {"secrets_checked", r.secrets_checked},
                 {"counts", Json{{"chips", r.counts.chips},
                                 {"ok", r.counts.ok},
                                 {"failed", r.counts.failed},
                                 {"extra", r.counts.extra},
                                 {"certificates", r.counts.certificates},
                                 {"certificates_ok", r.counts.certificates_ok}}},
                 {"archives", std::move(archives)},
                 {"missing_archives", std::move(missing)},
                 {"trust_anchor_count", r.trust_anchors.size()},
                 {"untrusted_issuers", untrusted_issuers(r)},
                 {"trust_hint", untrusted_issuer_hint(r)},
                 {"findings", std::move(findings)},
                 {"findings_total", r.findings.size()},
                 {"error_findings", errors},
                 {"duplicate_bundles", std::move(duplicates)},
                 {"unassigned_certificates", r.unassigned.size()},
                 {"chips", std::move(rows)}};
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace

TEST(ReportView, IsTheTextOfTheViewsTreeForEveryFixtureReport) {
  std::size_t compared = 0, failed_chips = 0, findings = 0;
  for (const auto& [name, entry] : manifest().at("bundles").items()) {
    if (!every_fixture_takes(name)) continue;
    for (const bool certificates_only : {false, true}) {
      auto report =
          certificates_only ? verify_fixture_in_session(name, {}, true) : verify_fixture(name);
      if (!report.ok()) continue; // a bundle refused outright has no view
      SCOPED_TRACE(name + (certificates_only ? " (certificates only)" : ""));
      EXPECT_EQ(wasm::report_view_json(report.value()), oracle_view(report.value()));
      ++compared;
      failed_chips += report.value().counts.failed;
      findings += report.value().findings.size();
    }
  }
  // The comparison covered failed chips (reasons) and findings, not only clean reels.
  EXPECT_GE(compared, 20u);
  EXPECT_GT(failed_chips, 0u);
  EXPECT_GT(findings, 0u);
}

TEST(ReportView, ListsTheFirstFindingsAndCountsThemAll) {
  auto report = verify_fixture("mixed");
  ASSERT_TRUE(report.ok());
  Report r = std::move(report).value();
  const Finding f = r.findings.empty() ? Finding{} : r.findings.front();
  r.findings.assign(wasm::kViewFindings + 5, f);
  r.findings.push_back(Finding{Severity::kWarning, FindingCode::kDuplicateBundle, "b.7z", 0, "",
                               "b.7z is another copy of the reel in a.7z"});
  const std::string view = wasm::report_view_json(r);
  EXPECT_EQ(view, oracle_view(r));
  const auto parsed = nlohmann::json::parse(view);
  EXPECT_EQ(parsed.at("findings").size(), wasm::kViewFindings);
  EXPECT_EQ(parsed.at("findings_total"), wasm::kViewFindings + 6);
  EXPECT_EQ(parsed.at("duplicate_bundles").size(), 1u);
}
