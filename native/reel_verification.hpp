// The CLI's side of one verification: files in, threads for the certificates, progress on the
// terminal. The pipeline itself (unpack, slices, fail-closed merge, report) is the core's
// VerificationSession, the same one the page runs.
#pragma once

#include <deque>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "file_io.hpp"
#include "key_source.hpp"
#include "reelcheck/reel_inputs.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck::cli {

// The command line's inputs sorted into reels. Loose inner archives are read at once (they are
// needed to group them); whole bundles and folders are read when their reel's turn comes.
struct PlannedReels {
  std::vector<HandedOverItem> items;
  std::vector<ReelInputs> reels;
  std::deque<LoadedInput> loaded;                        // owns the bytes the items view
  std::vector<std::pair<std::string, Error>> unreadable; // argument, why
};
PlannedReels plan_reels(const std::vector<std::string>& arguments);

// Sees the reel's report together with the bundle it was made from, while the bundle is still
// held (export needs the certificates' bytes).
using WithBundle = std::function<void(const Bundle& bundle, const Report& report)>;

// Reads (if needed), unpacks, verifies and reports one reel. The grouping findings are added to
// the report, then `with_bundle` (if given) is called.
Result<Report> verify_reel(const PlannedReels& plan, const ReelInputs& reel, const Options& o,
                           KeySource& keys, const TrustStore& trust,
                           const WithBundle& with_bundle = {});

Result<TrustStore> load_trust(const Options& o);

} // namespace reelcheck::cli
