// Answers "which record is this chip?" from a verified report: a provisioning station reads
// each chip's 27-byte coprocessor UID (data object 0xE0C2) and asks for its PBS and
// authorization reference. The reel is verified once; every answer is a lookup in its report.
#pragma once

#include <string>
#include <string_view>

#include "reelcheck/report.hpp"

namespace reelcheck {

enum class LookupOutcome {
  kFound,     // the chip is in the reel (its status may still be "failed")
  kNotInReel, // a well-formed chip ID or UID of a chip this reel does not hold
  kMalformed, // neither a 20-digit chip ID nor a 54-digit UID
};
std::string_view lookup_outcome_name(LookupOutcome outcome); // "found", "not_in_reel", "malformed"

struct LookupAnswer {
  std::string query; // as asked (trimmed)
  LookupOutcome outcome = LookupOutcome::kMalformed;
  std::string chip_id;              // normalised; "" when malformed
  const ChipRecord* chip = nullptr; // into the report; set when found
  std::string message;              // for a person
};

LookupAnswer look_up_chip(const Report& report, std::string_view query);

// One JSON line (no line break): {"query", "answer", "chip_id", "message"[, "chip": {...}]},
// the chip object as in the report, with secret values only when asked for.
SecureString lookup_answer_to_json_line(const LookupAnswer& answer, bool include_secrets);

} // namespace reelcheck
