// What the page shows of a report, small enough to parse on the UI thread without a pause: the
// summary, the first findings, and one row per chip (status, slot marks, secrets, reasons). A
// chip's full record comes on demand (chip_to_json), the full report only on export.
#pragma once

#include <string>

#include "reelcheck/report.hpp"

namespace reelcheck::wasm {

// Findings beyond this many are counted, not listed (the page lists this many; the exported
// report has them all).
inline constexpr std::size_t kViewFindings = 1000;

std::string report_view_json(const Report& report);

} // namespace reelcheck::wasm
