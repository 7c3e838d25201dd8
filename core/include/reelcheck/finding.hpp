// A finding is one thing wrong (or worth knowing) about the input, located by file and line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reelcheck/codes.hpp"

namespace reelcheck {

// Severity and severity_name: reelcheck/codes.hpp, beside the codes they go with.
struct Finding {
  Severity severity = Severity::kError;
  FindingCode code;       // machine-readable; finding_code_name() gives its stable name
  std::string file;       // archive entry or input file the finding is about ("" if none)
  std::uint32_t line = 0; // 1-based line in `file`, 0 when not line-oriented
  std::string chip_id;    // the chip concerned, "" if none or unknown
  std::string message;    // for a person
};

} // namespace reelcheck
