// Parts of a report that the JSON report and the page's report view write alike, so that the
// view keeps the report's field names wherever it keeps a field (wasm/report_view.cpp).
#pragma once

#include <vector>

#include "reelcheck/codes.hpp"
#include "reelcheck/report.hpp"
#include "report/json_writer.hpp"

namespace reelcheck::detail {

inline void write_problems(JsonWriter& w, const std::vector<Problem>& problems) {
  w.begin_array();
  for (const auto& p : problems) {
    w.begin_object();
    w.member("code", problem_code_name(p.code));
    w.member("message", p.message);
    w.end_object();
  }
  w.end_array();
}

inline void write_counts(JsonWriter& w, const ReportCounts& c) {
  w.begin_object();
  w.member("chips", c.chips);
  w.member("ok", c.ok);
  w.member("failed", c.failed);
  w.member("extra", c.extra);
  w.member("certificates", c.certificates);
  w.member("certificates_ok", c.certificates_ok);
  w.end_object();
}

inline void write_missing_archives(JsonWriter& w, const std::vector<InnerArchiveKind>& missing) {
  w.begin_array();
  for (auto kind : missing)
    w.value(inner_archive_kind_name(kind));
  w.end_array();
}

} // namespace reelcheck::detail
