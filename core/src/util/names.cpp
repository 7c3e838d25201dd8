// Stable names of the core's enums, used in JSON, CSV and by the web page.
#include "reelcheck/bundle.hpp"
#include "reelcheck/certificate.hpp"
#include "reelcheck/finding.hpp"
#include "reelcheck/report.hpp"
#include "util/text.hpp"

namespace reelcheck {

std::string_view severity_name(Severity s) {
  switch (s) {
  case Severity::kError: return "error";
  case Severity::kWarning: return "warning";
  case Severity::kInfo: return "info";
  }
  return "error";
}

std::string_view slot_name(Slot s) {
  switch (s) {
  case Slot::kE0E0: return "E0E0";
  case Slot::kE0E1: return "E0E1";
  case Slot::kE0E2: return "E0E2";
  }
  return "E0E0";
}

std::optional<Slot> parse_slot(std::string_view name) {
  for (Slot s : kAllSlots)
    if (detail::iequals(name, slot_name(s))) return s;
  return std::nullopt;
}

std::string_view inner_archive_kind_name(InnerArchiveKind k) {
  switch (k) {
  case InnerArchiveKind::kE0E0Certs: return "E0E0_Certs";
  case InnerArchiveKind::kE0E1Certs: return "E0E1_Certs";
  case InnerArchiveKind::kE0E2Certs: return "E0E2_Certs";
  case InnerArchiveKind::kKeys: return "keys";
  }
  return "keys";
}

std::string_view phase_name(Phase p) {
  switch (p) {
  case Phase::kReading: return "reading";
  case Phase::kDecompressing: return "decompressing";
  case Phase::kDecrypting: return "decrypting";
  case Phase::kVerifying: return "verifying";
  case Phase::kReporting: return "reporting";
  }
  return "reading";
}

std::string_view chip_status_name(ChipStatus s) {
  switch (s) {
  case ChipStatus::kOk: return "ok";
  case ChipStatus::kFailed: return "failed";
  case ChipStatus::kExtra: return "extra";
  }
  return "failed";
}

std::optional<ChipStatus> parse_chip_status(std::string_view name) {
  for (ChipStatus s : {ChipStatus::kOk, ChipStatus::kFailed, ChipStatus::kExtra})
    if (name == chip_status_name(s)) return s;
  return std::nullopt;
}

} // namespace reelcheck
