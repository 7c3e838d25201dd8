// reelcheck merge: per-reel JSON reports (made on any machine) into one fleet summary, with the
// duplicates no single reel can see.
#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "file_io.hpp"
#include "output.hpp"
#include "reelcheck/fleet.hpp"
#include "summary.hpp"

namespace reelcheck::cli {

int run_merge(const Options& o) {
  constexpr std::uint64_t kMaxReportSize = 1024ull << 20;
  FleetMerger merger;
  int exit_code = kExitOk;
  for (const auto& path : o.inputs) {
    auto data = read_file(path, kMaxReportSize);
    if (!data) {
      exit_code = std::max(exit_code, print_unusable(path, data.error()));
      continue;
    }
    const std::string_view text(reinterpret_cast<const char*>(data->data()), data->size());
    if (auto error = merger.add_report(path, text))
      exit_code = std::max(exit_code, print_unusable(path, *error));
  }
  const FleetSummary fleet = merger.summary();
  if (!o.quiet && o.json_out != "-" && o.csv_out != "-") std::cout << render_fleet(fleet);
  bool ok =
      emit_rendered(o.json_out, "fleet", ".json", false, [&] { return fleet_to_json(fleet); });
  ok &= emit_rendered(o.csv_out, "fleet", ".csv", false, [&] { return fleet_to_csv(fleet); });
  if (!ok) exit_code = std::max(exit_code, kExitUnusable);
  if (!fleet.all_ok()) exit_code = std::max(exit_code, kExitFindings);
  return exit_code;
}

} // namespace reelcheck::cli
