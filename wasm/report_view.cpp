// Field names follow the report (docs/report.md) wherever the view keeps a field, so the page's
// code reads the same words in both.
#include "report_view.hpp"

#include <nlohmann/json.hpp>

#include "reelcheck/codes.hpp"

namespace reelcheck::wasm {
namespace {

using Json = nlohmann::ordered_json;

Json problems_json(const std::vector<Problem>& problems) {
  Json out = Json::array();
  for (const auto& p : problems)
    out.push_back(Json{{"code", problem_code_name(p.code)}, {"message", p.message}});
  return out;
}

const char* secrets_word(const ChipRecord& c) {
  if (c.pbs.present && c.auth.present) return "both";
  return c.pbs.present || c.auth.present ? "partial" : "none";
}

Json row_json(const ChipRecord& c) {
  Json slots = Json::object();
  for (Slot s : kAllSlots) {
    const auto& v = c.certificates[static_cast<std::size_t>(s)];
    slots[std::string(slot_name(s))] = v ? Json(v->ok() ? "ok" : "failed") : Json(nullptr);
  }
  return Json{{"chip_id", c.chip_id},
              {"status", chip_status_name(c.status)},
              {"wafer_x", c.wafer_x},
              {"wafer_y", c.wafer_y},
              {"slots", std::move(slots)},
              {"secrets", secrets_word(c)},
              {"reasons", problems_json(c.reasons)}};
}

Json finding_json(const Finding& f) {
  return Json{{"severity", severity_name(f.severity)},
              {"code", finding_code_name(f.code)},
              {"file", f.file},
              {"line", f.line},
              {"chip_id", f.chip_id},
              {"message", f.message}};
}

// The loops over chips and findings live in functions of their own, never inlined into
// report_view_json, which runs once per report: V8 optimises a function whose loops have run
// long, in the background while the run goes on, and compiling report_view_json whole would be
// paid for nothing. These small ones are cheap to optimise (docs/performance.md).
[[gnu::noinline]] Json chip_rows(const std::vector<ChipRecord>& chips) {
  Json rows = Json::array();
  for (const auto& c : chips)
    rows.push_back(row_json(c));
  return rows;
}

struct ViewFindings {
  Json findings = Json::array(); // the first kViewFindings
  Json duplicate_bundles = Json::array();
  std::size_t errors = 0;
};
[[gnu::noinline]] ViewFindings view_findings(const std::vector<Finding>& all) {
  // Two copies of one reel chosen together is told in one sentence each (the page says so in
  // its verdict line); the other error findings are counted there.
  ViewFindings out;
  for (const auto& f : all) {
    if (f.code == FindingCode::kDuplicateBundle)
      out.duplicate_bundles.push_back(f.message);
    else if (f.severity == Severity::kError)
      ++out.errors;
    if (out.findings.size() < kViewFindings) out.findings.push_back(finding_json(f));
  }
  return out;
}

} // namespace

std::string report_view_json(const Report& r) {
  Json archives = Json::array();
  for (const auto& a : r.archives)
    archives.push_back(
        Json{{"kind", inner_archive_kind_name(a.kind)}, {"name", a.name}, {"entries", a.entries}});
  Json missing = Json::array();
  for (auto kind : r.missing_archives)
    missing.push_back(inner_archive_kind_name(kind));
  ViewFindings findings = view_findings(r.findings);
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
                 {"findings", std::move(findings.findings)},
                 {"findings_total", r.findings.size()},
                 {"error_findings", findings.errors},
                 {"duplicate_bundles", std::move(findings.duplicate_bundles)},
                 {"unassigned_certificates", r.unassigned.size()},
                 {"chips", chip_rows(r.chips)}};
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace reelcheck::wasm
