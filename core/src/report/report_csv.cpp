// One row per chip for the provisioning line (RFC 4180 quoting, LF line ends).
#include "reelcheck/report.hpp"
#include "util/csv.hpp"
#include "util/hex.hpp"

namespace reelcheck {
namespace {

using detail::csv_field;

} // namespace

SecureString report_to_csv(const Report& r) {
  // About 600 bytes per chip with its secrets: reserved so the buffer seldom grows (and every
  // buffer it outgrows is wiped).
  SecureString out = secure_text(512 + r.chips.size() * 640);
  out += "chip_id,batch,wafer_x,wafer_y,status,reasons";
  for (Slot s : kAllSlots) {
    const std::string slot(slot_name(s));
    out += "," + slot + "_verdict," + slot + "_fingerprint_sha256";
  }
  out += ",pbs_present,pbs_fingerprint,auth_present,auth_fingerprint";
  if (r.secrets_included) out += ",pbs,auth";
  out += "\n";
  for (const auto& chip : r.chips) {
    std::string reasons;
    for (const auto& p : chip.reasons) {
      if (!reasons.empty()) reasons += "; ";
      reasons.append(problem_code_name(p.code)).append(": ").append(p.message);
    }
    out += chip.chip_id;
    auto field = [&out](std::string_view value) { out.append(",").append(value); };
    field(chip.batch);
    field(std::to_string(chip.wafer_x));
    field(std::to_string(chip.wafer_y));
    field(chip_status_name(chip.status));
    field(csv_field(reasons));
    for (const auto& cert : chip.certificates) {
      field(cert ? (cert->ok() ? "ok" : "failed") : "missing");
      field(cert ? std::string_view(cert->fingerprint_sha256) : std::string_view());
    }
    field(chip.pbs.present ? "yes" : "no");
    field(chip.pbs.fingerprint);
    field(chip.auth.present ? "yes" : "no");
    field(chip.auth.fingerprint);
    if (r.secrets_included) {
      out += ',';
      append_hex(out, as_bytes(chip.pbs.value), /*upper=*/true);
      out += ',';
      append_hex(out, as_bytes(chip.auth.value), /*upper=*/true);
    }
    out += "\n";
  }
  return out;
}

} // namespace reelcheck
