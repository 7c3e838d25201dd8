// reelcheck lookup: the reel is verified once; then every chip asked for (by --chip, or one a
// line from --chips FILE or standard input) gets an answer at once. A provisioning station can
// keep the process open and ask as chips arrive. With the certificate it read from the chip,
// the secrets are released only when that certificate is the bundle's (the rule is the core's:
// reelcheck/lookup.hpp).
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "output.hpp"
#include "reel_verification.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/lookup.hpp"
#include "summary.hpp"

namespace reelcheck::cli {
namespace {

Slot station_slot(const Options& o) {
  return o.slot.value_or(Slot::kE0E0);
}

// The one-chip form: the chip's record as text, or its JSON object with --json. With
// --chip-cert, the certificate check comes first, and --json writes the whole answer (with
// certificate_checked), since the chip object alone cannot say whether it was checked.
int answer_one(const Report& report, const Options& o) {
  const std::optional<std::string_view> certificate =
      o.chip_certs.empty() ? std::nullopt : std::optional<std::string_view>(o.chip_certs.front());
  const LookupAnswer a = look_up_chip(report, o.chips.front(), certificate, station_slot(o));
  if (a.outcome == LookupOutcome::kNotInReel || a.outcome == LookupOutcome::kMalformed) {
    std::cout << a.message << " (" << o.inputs.front() << ")\n";
    return kExitFindings;
  }
  const int exit_code =
      a.may_release_secrets() && a.chip->status != ChipStatus::kFailed ? kExitOk : kExitFindings;
  if (o.json_out) {
    SecureString json = certificate ? lookup_answer_to_json_line(a, o.include_secrets)
                                    : chip_to_json(*a.chip, o.include_secrets);
    if (certificate) json += '\n';
    if (!emit(o.json_out, o.inputs.front(), ".json", false, json)) return kExitUnusable;
  } else {
    if (a.outcome == LookupOutcome::kCertificateMismatch)
      std::cout << "CERTIFICATE MISMATCH: " << a.message << "\n";
    else if (a.certificate_checked)
      std::cout << a.message << "\n";
    const SecureString text = render_chip(*a.chip, o.include_secrets && a.may_release_secrets());
    std::cout << text;
  }
  return exit_code;
}

// Many chips: one JSON line per answer, flushed at once.
int answer_stream(const Report& report, const Options& o) {
  std::ofstream file;
  if (o.json_out && *o.json_out != "-") {
    file.open(*o.json_out, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "reelcheck: cannot write " << *o.json_out << "\n";
      return kExitUnusable;
    }
  }
  std::ostream& out = file.is_open() ? static_cast<std::ostream&>(file) : std::cout;
  int exit_code = kExitOk;
  auto answer = [&](const LookupAnswer& a) {
    SecureString line = lookup_answer_to_json_line(a, o.include_secrets);
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    out.flush();
    if (a.outcome != LookupOutcome::kFound || a.chip->status == ChipStatus::kFailed)
      exit_code = kExitFindings;
  };
  const Slot slot = station_slot(o);
  for (std::size_t n = 0; n < o.chips.size(); ++n) {
    const auto certificate =
        n < o.chip_certs.size() ? std::optional<std::string_view>(o.chip_certs[n]) : std::nullopt;
    answer(look_up_chip(report, o.chips[n], certificate, slot));
  }
  if (o.chips_file) {
    std::ifstream in_file;
    if (*o.chips_file != "-") {
      in_file.open(*o.chips_file, std::ios::binary);
      if (!in_file) {
        std::cerr << "reelcheck: cannot read " << *o.chips_file << "\n";
        return kExitUnusable;
      }
    }
    std::istream& in = in_file.is_open() ? static_cast<std::istream&>(in_file) : std::cin;
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue; // blank line
      answer(look_up_chip(report, line, slot)); // a certificate may follow the UID
    }
  }
  if (!out) {
    std::cerr << "reelcheck: writing the answers failed\n";
    return kExitUnusable;
  }
  return exit_code;
}

} // namespace

int run_lookup(const Options& o, KeySource& keys, const TrustStore& trust) {
  const PlannedReels plan = plan_reels(o.inputs);
  if (!plan.unreadable.empty())
    return print_unusable(plan.unreadable.front().first, plan.unreadable.front().second);
  if (plan.reels.size() != 1) {
    std::cerr << "reelcheck: lookup answers from one reel; the inputs hold " << plan.reels.size()
              << " reels\n";
    return kExitUsage;
  }
  auto verified = verify_reel(plan, plan.reels.front(), o, keys, trust);
  if (!verified) return print_unusable(plan.reels.front().name, verified.error());
  const bool stream = o.chips_file.has_value() || o.chips.size() != 1;
  if (!stream) return answer_one(*verified, o);
  if (!o.quiet) {
    const auto& c = verified->counts;
    std::cerr << "reel " << verified->reel_id << " verified once: " << c.chips << " chips, " << c.ok
              << " ok, " << c.failed << " failed, " << c.extra << " extra; answering lookups\n";
  }
  return answer_stream(*verified, o);
}

} // namespace reelcheck::cli
