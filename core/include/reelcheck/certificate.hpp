// Device certificates and their verdicts. A CertificateVerdict is the result of verifying one
// certificate on its own; it is plain data (JSON round-trip) so the work can be spread over
// threads or Web Workers and the results gathered for the report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/codes.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck {

enum class Slot { kE0E0, kE0E1, kE0E2 };
inline constexpr Slot kAllSlots[] = {Slot::kE0E0, Slot::kE0E1, Slot::kE0E2};
constexpr std::string_view slot_name(Slot s) { // "E0E0"
  switch (s) {
  case Slot::kE0E0: return "E0E0";
  case Slot::kE0E1: return "E0E1";
  case Slot::kE0E2: return "E0E2";
  }
  return "E0E0";
}
// "E0E0", "e0e0", ... (ASCII case-insensitive).
constexpr std::optional<Slot> parse_slot(std::string_view name) {
  for (Slot s : kAllSlots) {
    const std::string_view want = slot_name(s);
    bool same = name.size() == want.size();
    for (std::size_t i = 0; same && i < name.size(); ++i) {
      const char c = name[i];
      same = (c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c) == want[i];
    }
    if (same) return s;
  }
  return std::nullopt;
}

// Seconds since 1970-01-01T00:00:00Z. The core never reads a clock: callers pass the time.
using CheckTime = std::int64_t;
std::optional<CheckTime> parse_check_time(std::string_view iso8601); // "2026-06-01T00:00:00Z"
std::string format_check_time(CheckTime t);                          // same form

struct CertificateFile {
  std::string archive;            // inner archive it came from
  std::string name;               // entry name inside that archive
  Slot slot;                      // the slot its archive is for
  std::vector<std::uint8_t> data; // PEM or DER
};

struct Problem {
  ProblemCode code;
  std::string message; // for a person
};

struct CertificateVerdict {
  std::string archive;
  std::string file;
  Slot slot = Slot::kE0E0;
  std::string chip_id; // from the file name; "" when the name does not carry one
  bool parsed = false;
  std::string subject, issuer, serial, not_before, not_after, key_type;
  std::string fingerprint_sha256; // of the DER
  std::string public_key_sha256;  // of the SubjectPublicKeyInfo, for shared-key detection
  std::vector<std::string> chain; // issuer CNs up to the trust anchor
  std::vector<Problem> problems;  // empty = good

  bool ok() const { return parsed && problems.empty(); }
};

} // namespace reelcheck
