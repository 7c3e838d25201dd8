// reelcheck verify: every reel handed over, one report each.
#include <iostream>

#include "commands.hpp"
#include "heap_tuning.hpp"
#include "output.hpp"
#include "reel_verification.hpp"
#include "summary.hpp"

namespace reelcheck::cli {

int run_verify(const Options& o, KeySource& keys, const TrustStore& trust) {
  const PlannedReels plan = plan_reels(o.inputs);
  int exit_code = kExitOk;
  for (const auto& [arg, error] : plan.unreadable)
    exit_code = std::max(exit_code, print_unusable(arg, error));
  const bool several = plan.reels.size() + plan.unreadable.size() > 1;
  for (const auto& reel : plan.reels) {
    auto verified = verify_reel(plan, reel, o, keys, trust);
    if (!verified) {
      exit_code = std::max(exit_code, print_unusable(reel.name, verified.error()));
      continue;
    }
    const Report& report = *verified;
    if (!o.quiet && o.json_out != "-" && o.csv_out != "-")
      std::cout << render_summary(report, reel.name) << std::flush;
    bool ok = emit_rendered(o.json_out, reel.name, ".json", several,
                            [&] { return report_to_json(report); });
    ok &=
        emit_rendered(o.csv_out, reel.name, ".csv", several, [&] { return report_to_csv(report); });
    if (!ok) exit_code = std::max(exit_code, kExitUnusable);
    if (!report.all_ok()) exit_code = std::max(exit_code, kExitFindings);
    // The last reel's report is not freed: the process ends now (heap_tuning.hpp).
    if (&reel == &plan.reels.back() && !report.secrets_included)
      leave_for_exit(std::move(*verified));
  }
  return exit_code;
}

} // namespace reelcheck::cli
