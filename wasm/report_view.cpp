// Field names follow the report (docs/report.md) wherever the view keeps a field, so the page's
// code reads the same words in both.
#include "report_view.hpp"

#include "reelcheck/codes.hpp"
#include "report/json_writer.hpp"
#include "report/report_parts_json.hpp"

namespace reelcheck::wasm {
namespace {

using detail::JsonWriter;

// The view is written straight into one string by the reports' own writer (the text
// nlohmann's dump() gives, compact): 4,160 rows through a tree of nodes took most of the
// report request's time, on the coordinator alone at the end of a run.

const char* secrets_word(const ChipRecord& c) {
  if (c.pbs.present && c.auth.present) return "both";
  return c.pbs.present || c.auth.present ? "partial" : "none";
}

// One chip's row, a function of its own: report_view_json runs once per report, and V8
// optimises a function whose loops have run long, in the background while the run goes on, so
// compiling report_view_json whole would be paid for nothing. Its loop over the chips only
// calls this small function, which is cheap to optimise and is used for the rows after that
// (docs/performance.md).
[[gnu::noinline]] void row_json(JsonWriter& w, const ChipRecord& c) {
  w.begin_object();
  w.member("chip_id", c.chip_id);
  w.member("status", chip_status_name(c.status));
  w.member("wafer_x", c.wafer_x);
  w.member("wafer_y", c.wafer_y);
  w.key("slots");
  w.begin_object();
  for (Slot s : kAllSlots) {
    const auto& v = c.certificates[static_cast<std::size_t>(s)];
    w.key(slot_name(s));
    if (v)
      w.value(v->ok() ? "ok" : "failed");
    else
      w.null();
  }
  w.end_object();
  w.member("secrets", secrets_word(c));
  w.key("reasons");
  detail::write_problems(w, c.reasons);
  w.end_object();
}

[[gnu::noinline]] void finding_json(JsonWriter& w, const Finding& f) {
  w.begin_object();
  w.member("severity", severity_name(f.severity));
  w.member("code", finding_code_name(f.code));
  w.member("file", f.file);
  w.member("line", f.line);
  w.member("chip_id", f.chip_id);
  w.member("message", f.message);
  w.end_object();
}

// The first kViewFindings findings; two copies of one reel chosen together are told in one
// sentence each (the page says so in its verdict line); the other error findings are counted.
[[gnu::noinline]] void view_findings(JsonWriter& w, const std::vector<Finding>& all) {
  w.key("findings");
  w.begin_array();
  for (std::size_t i = 0; i < all.size() && i < kViewFindings; ++i)
    finding_json(w, all[i]);
  w.end_array();
  w.member("findings_total", all.size());
  std::size_t errors = 0;
  for (const auto& f : all)
    errors += f.code != FindingCode::kDuplicateBundle && f.severity == Severity::kError;
  w.member("error_findings", errors);
  w.key("duplicate_bundles");
  w.begin_array();
  for (const auto& f : all)
    if (f.code == FindingCode::kDuplicateBundle) w.value(f.message);
  w.end_array();
}

} // namespace

std::string report_view_json(const Report& r) {
  SecureString text = secure_text(4096 + 160 * r.chips.size());
  JsonWriter w(text, -1);
  w.begin_object();
  w.member("check_time", r.check_time);
  w.member("reel_id", r.reel_id);
  w.member("batch_id", r.batch_id);
  w.member("verdict", r.all_ok() ? "ok" : "failed");
  w.member("secrets_checked", r.secrets_checked);
  w.key("counts");
  detail::write_counts(w, r.counts);
  w.key("archives");
  w.begin_array();
  for (const auto& a : r.archives) {
    w.begin_object();
    w.member("kind", inner_archive_kind_name(a.kind));
    w.member("name", a.name);
    w.member("entries", a.entries);
    w.end_object();
  }
  w.end_array();
  w.key("missing_archives");
  detail::write_missing_archives(w, r.missing_archives);
  w.member("trust_anchor_count", r.trust_anchors.size());
  w.key("untrusted_issuers");
  w.begin_array();
  for (const auto& issuer : untrusted_issuers(r))
    w.value(issuer);
  w.end_array();
  w.member("trust_hint", untrusted_issuer_hint(r));
  view_findings(w, r.findings);
  w.member("unassigned_certificates", r.unassigned.size());
  w.key("chips");
  w.begin_array();
  for (const auto& c : r.chips)
    row_json(w, c);
  w.end_array();
  w.end_object();
  return std::string(text.data(), text.size());
}

} // namespace reelcheck::wasm
