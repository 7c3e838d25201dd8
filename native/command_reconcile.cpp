// reelcheck reconcile: a reel's report against the chips the line provisioned. The comparison is
// the core's (reelcheck/reconcile.hpp); this file reads the two inputs, writes the four files
// and says what it found, loudly when the line saw chips that are not in the reel.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "commands.hpp"
#include "file_io.hpp"
#include "output.hpp"
#include "reelcheck/reconcile.hpp"

namespace reelcheck::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxReconcileReportSize = 1024ull << 20;
constexpr std::uint64_t kMaxSeenListSize = 64ull << 20; // ~1M UIDs: far more than a line sees

Result<std::string> read_text(const std::string& path, std::uint64_t max_size) {
  if (path == "-") {
    std::string text;
    char buffer[65536];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
      text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
      if (text.size() > max_size)
        return make_error(ErrorCode::kLimitExceeded, "standard input is larger than " +
                                                         std::to_string(max_size >> 20) + " MiB");
    }
    return text;
  }
  auto data = read_file(path, max_size);
  if (!data) return data.error();
  return std::string(data->begin(), data->end());
}

void print_summary(const Reconciliation& r) {
  const ReconcileCounts& c = r.counts;
  std::cout << "Reconcile reel " << r.reel_id << "  batch " << r.batch_id << "  (" << r.report
            << (r.report_ok ? "" : ", whose verdict is FAILED") << ")\n"
            << "  bundle:          " << c.bundle_chips << " chips\n"
            << "  seen:            " << c.seen_lines << " lines, " << c.seen_chips << " chips ("
            << c.seen_repeated << " seen again)\n"
            << "  seen, in reel:   " << c.seen_in_bundle << "\n";
  if (r.never_seen_known())
    std::cout << "  never seen:      " << c.unused << " chips, " << c.certificates_to_deactivate
              << " certificates (deactivate.sh, unused.csv)\n";
  else if (c.malformed_lines != 0)
    std::cout << "  never seen:      not known: " << c.malformed_lines
              << " malformed lines might be chips the line provisioned; no deactivate.sh\n";
  else
    std::cout << "  never seen:      not known: the seen list names no chip; no deactivate.sh\n";
  for (std::size_t i = 0; i < r.malformed.size() && i < 10; ++i)
    std::cout << "    - " << r.malformed[i].message << ": '" << r.malformed[i].text << "'\n";
  if (r.malformed.size() > 10)
    std::cout << "    … and " << r.malformed.size() - 10 << " more (summary.json)\n";
  for (const auto& n : r.seen_not_ok)
    std::cout << "  note: chip " << n.chip_id << " was provisioned, but its status in the report "
              << "is " << chip_status_name(n.status) << "\n";
  std::cout << "  FOREIGN:         " << c.foreign << " chips not in the reel (foreign.csv)\n";
  for (const auto& f : r.foreign)
    std::cout << "    - " << f.chip_id << " (line " << f.first_line << ")\n";
  std::cout << "VERDICT: "
            << (r.foreign_alarm()      ? "ALARM: chips not in the reel were provisioned"
                : r.never_seen_known() ? "OK"
                                       : "INCOMPLETE: malformed lines in the seen list")
            << "\n";
}

} // namespace

int run_reconcile(const Options& o) {
  const std::string& report_path = o.inputs.front();
  // A file only: standard input may carry the seen list.
  const auto report_text = read_file(report_path, kMaxReconcileReportSize);
  if (!report_text) return print_unusable(report_path, report_text.error());
  const auto digest = read_report_digest(
      std::string_view(reinterpret_cast<const char*>(report_text->data()), report_text->size()));
  if (!digest) return print_unusable(report_path, digest.error());
  const auto seen_text = read_text(*o.seen_file, kMaxSeenListSize);
  if (!seen_text) return print_unusable(*o.seen_file, seen_text.error());

  const Reconciliation r = reconcile(fs::path(report_path).filename().string(), *digest,
                                     parse_seen_list(*seen_text), o.slot);

  const fs::path dir(*o.out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "reelcheck: cannot make the folder " << dir.string() << ": " << ec.message()
              << "\n";
    return kExitUnusable;
  }
  std::vector<std::pair<const char*, std::string>> files = {
      {"summary.json", reconcile_summary_json(r)}, {"foreign.csv", reconcile_foreign_csv(r)}};
  if (r.never_seen_known()) {
    files.emplace_back("unused.csv", reconcile_unused_csv(r));
    files.emplace_back("deactivate.sh", reconcile_deactivate_script(r));
  } else {
    // A deactivation list from an earlier run must not be mistaken for this one's.
    for (const char* stale : {"unused.csv", "deactivate.sh"})
      fs::remove(dir / stale, ec);
  }
  int exit_code = kExitOk;
  for (const auto& [name, content] : files) {
    std::string error;
    if (!write_file(dir / name, content, error)) {
      std::cerr << "reelcheck: cannot write " << error << "\n";
      exit_code = kExitUnusable;
    }
  }
  if (!o.quiet) print_summary(r);

  if (r.foreign_alarm()) {
    std::cerr << "reelcheck: ALARM: the line provisioned " << r.foreign.size()
              << " chip(s) that are not in reel " << r.reel_id
              << " (a chip of another reel, or a counterfeit):";
    for (std::size_t i = 0; i < r.foreign.size() && i < 10; ++i)
      std::cerr << " " << r.foreign[i].chip_id;
    if (r.foreign.size() > 10) std::cerr << " … and " << r.foreign.size() - 10 << " more";
    std::cerr << " (see " << (dir / "foreign.csv").string() << ")\n";
    exit_code = std::max(exit_code, kExitFindings);
  }
  if (!r.malformed.empty()) {
    std::cerr << "reelcheck: " << *o.seen_file << ": " << r.malformed.size()
              << " line(s) are not a chip ID or UID (first: line " << r.malformed.front().line
              << "); they might be chips the line provisioned, so no deactivation list is "
                 "written\n";
    exit_code = std::max(exit_code, kExitUnusable);
  } else if (!r.never_seen_known()) {
    std::cerr << "reelcheck: " << *o.seen_file
              << " names no chip: it would mark every certificate of the reel for "
                 "deactivation, which is more likely the wrong file; no deactivation list is "
                 "written\n";
    exit_code = std::max(exit_code, kExitUnusable);
  }
  return exit_code;
}

} // namespace reelcheck::cli
