// reelcheck lookup: the reel is verified once; then every chip asked for (by --chip, or one a
// line from --chips FILE or standard input) gets an answer at once. A provisioning station can
// keep the process open and ask as chips arrive.
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

// The one-chip form: the chip's record as text, or its JSON object with --json.
int answer_one(const Report& report, const Options& o) {
  const ChipId id = *parse_chip_lookup(o.chips.front());
  const ChipRecord* chip = report.find_chip(id.hex());
  if (chip == nullptr) {
    std::cout << "chip " << id.hex() << " is not in reel " << report.reel_id << " ("
              << o.inputs.front() << ")\n";
    return kExitFindings;
  }
  if (o.json_out) {
    if (!emit(o.json_out, o.inputs.front(), ".json", false, chip_to_json(*chip, o.include_secrets)))
      return kExitUnusable;
  } else {
    const SecureString text = render_chip(*chip, o.include_secrets);
    std::cout << text;
  }
  return chip->status == ChipStatus::kFailed ? kExitFindings : kExitOk;
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
  auto answer = [&](std::string_view query) {
    const LookupAnswer a = look_up_chip(report, query);
    SecureString line = lookup_answer_to_json_line(a, o.include_secrets);
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    out.flush();
    if (a.outcome != LookupOutcome::kFound || a.chip->status == ChipStatus::kFailed)
      exit_code = kExitFindings;
  };
  for (const auto& chip : o.chips)
    answer(chip);
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
      answer(line);
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
