// Answers "which record is this chip?" from a verified report: a provisioning station reads
// each chip's 27-byte coprocessor UID (data object 0xE0C2) and asks for its PBS and
// authorization reference. The reel is verified once; every answer is a lookup in its report.
//
// Station binding: the station may also hand over the certificate it read from the chip (the
// slot's data object, E0E0 by default). The secrets are then released only when that
// certificate is, byte for byte, the bundle's certificate for that chip and slot: a UID alone
// can be copied, the certificate the chip holds must match the one the reel was verified with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/report.hpp"
#include "reelcheck/result.hpp"

namespace reelcheck {

enum class LookupOutcome {
  kFound,               // the chip is in the reel (its status may still be "failed")
  kNotInReel,           // a well-formed chip ID or UID of a chip this reel does not hold
  kMalformed,           // neither a 20-digit chip ID nor a 54-digit UID, or a malformed certificate
  kCertificateMismatch, // in the reel, but the certificate read from the chip is not the bundle's
};
constexpr std::string_view lookup_outcome_name(LookupOutcome outcome) {
  switch (outcome) {
  case LookupOutcome::kFound: return "found";
  case LookupOutcome::kNotInReel: return "not_in_reel";
  case LookupOutcome::kMalformed: return "malformed";
  case LookupOutcome::kCertificateMismatch: return "certificate_mismatch";
  }
  return "malformed";
}

struct LookupAnswer {
  std::string query; // the chip part as asked (trimmed)
  LookupOutcome outcome = LookupOutcome::kMalformed;
  std::string chip_id;              // normalised; "" when the chip part is malformed
  const ChipRecord* chip = nullptr; // into the report; set when found or certificate_mismatch
  std::string message;              // for a person
  // A certificate came with the query and was compared with the bundle's (found: it matched;
  // certificate_mismatch: it did not). False when none came, or it could not be compared.
  bool certificate_checked = false;
  Slot certificate_slot = Slot::kE0E0; // the slot compared, when certificate_checked

  // Only a found chip's secret values may ever be handed out.
  bool may_release_secrets() const { return outcome == LookupOutcome::kFound; }
};

// The certificate a station read from a chip's data object (E0E0, E0E1 or E0E2), as text: hex
// (optionally "0x" first) or base64 (standard alphabet, padded), of either the bare DER
// certificate or the object with its 9-byte TLS identity header in front: 0xC0, a 2-byte
// length of what follows, a 3-byte certificate list length and a 3-byte certificate length
// (all big-endian). Every length must agree with the data, and the DER's own outer length
// must span exactly the rest. Returns the DER; an error (kBadInput) says what is wrong.
Result<std::vector<std::uint8_t>> parse_station_certificate(std::string_view text);

// One station line: a chip ID or UID, optionally followed (after white space or a comma) by the
// certificate read from the chip's `slot` data object. A line that reads as a chip ID or UID
// on its own is taken as that, exactly as before certificates could be given, so every line
// without a certificate is answered as it always was.
LookupAnswer look_up_chip(const Report& report, std::string_view line, Slot slot = Slot::kE0E0);

// The same with the chip and the certificate apart (the CLI's --chip and --chip-cert);
// `certificate` nullopt: no certificate check.
LookupAnswer look_up_chip(const Report& report, std::string_view chip_query,
                          std::optional<std::string_view> certificate, Slot slot);

// One JSON line (no line break): {"query", "answer", "chip_id", "certificate_checked",
// "message"[, "chip": {...}]}, the chip object as in the report. Secret values appear only when
// asked for AND the answer may release them: never for a certificate mismatch.
SecureString lookup_answer_to_json_line(const LookupAnswer& answer, bool include_secrets);

} // namespace reelcheck
