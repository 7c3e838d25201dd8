// reelcheck export: verify a reel exactly as `verify` does, then write the core's registration
// files (reelcheck/export.hpp) into a folder. The folder must be empty or new unless --force.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "commands.hpp"
#include "file_io.hpp"
#include "output.hpp"
#include "reel_verification.hpp"
#include "reelcheck/export.hpp"
#include "summary.hpp"

namespace reelcheck::cli {
namespace {

namespace fs = std::filesystem;

bool is_empty_or_missing(const fs::path& dir, std::string& error) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  if (!fs::is_directory(dir, ec)) {
    error = dir.string() + " exists and is not a folder";
    return false;
  }
  if (fs::directory_iterator(dir, ec) != fs::directory_iterator()) {
    error = dir.string() +
            " is not empty: give --force to write into it (files an earlier export listed in its "
            "manifest.json are replaced or removed; nothing else is touched)";
    return false;
  }
  if (ec) {
    error = "cannot read " + dir.string() + ": " + ec.message();
    return false;
  }
  return true;
}

// The files an earlier export wrote into `dir` (its manifest's list), to remove those this
// export does not write again: a certificate of a chip now left out must not stay behind.
std::vector<std::string> earlier_export_files(const fs::path& dir) {
  auto data = read_file(dir / "manifest.json", 64u << 20);
  if (!data) return {};
  std::vector<std::string> names;
  try {
    const auto manifest = nlohmann::json::parse(data->begin(), data->end());
    if (manifest.value("schema", "") != "reelcheck-export") return {};
    for (const auto& f : manifest.at("files")) {
      const std::string name = f.at("name").get<std::string>();
      // Only plain relative names inside the folder (a hand-edited manifest could say more).
      const fs::path p(name);
      bool inside = !name.empty() && p.is_relative();
      for (const auto& part : p)
        inside &= part != ".." && part != ".";
      if (inside) names.push_back(name);
    }
  } catch (const nlohmann::json::exception&) {
    return {};
  }
  return names;
}

bool write_export(const fs::path& dir, const Export& exported, std::string& error) {
  std::error_code ec;
  std::set<std::string> now;
  for (const auto& f : exported.files)
    now.insert(f.name);
  for (const auto& stale : earlier_export_files(dir))
    if (!now.count(stale)) fs::remove(dir / stale, ec);
  // manifest.json comes last in the list: written last, it marks a complete export.
  for (const auto& f : exported.files) {
    const fs::path path = dir / f.name;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      error = path.parent_path().string() + ": " + ec.message();
      return false;
    }
    if (!write_file(path, f.bytes, error)) return false;
    if (f.executable && ::chmod(path.c_str(), 0755) != 0) {
      error = path.string() + ": cannot make it executable";
      return false;
    }
  }
  return true;
}

// "mixed.7z" -> "mixed"; a folder's own name; loose archives: "<reel>_<batch>".
std::string reel_folder_name(const std::string& reel_name) {
  fs::path name = fs::path(reel_name).filename();
  if (name.empty()) name = fs::path(reel_name).parent_path().filename();
  return name.stem().string();
}

} // namespace

int run_export(const Options& o, KeySource& keys, const TrustStore& trust) {
  const fs::path out(o.out_dir.value_or("")); // required by the command line
  std::string error;
  if (!o.force && !is_empty_or_missing(out, error)) {
    std::cerr << "reelcheck: " << error << "\n";
    return kExitUsage;
  }
  ExportOptions options;
  options.format = *parse_export_format(o.export_format);
  options.slot = o.slot.value_or(Slot::kE0E0);
  options.include_extra = o.include_extra;

  const PlannedReels plan = plan_reels(o.inputs);
  int exit_code = kExitOk;
  for (const auto& [arg, e] : plan.unreadable)
    exit_code = std::max(exit_code, print_unusable(arg, e));
  const bool several = plan.reels.size() + plan.unreadable.size() > 1;
  for (const auto& reel : plan.reels) {
    std::optional<Result<Export>> exported;
    auto verified =
        verify_reel(plan, reel, o, keys, trust, [&](const Bundle& bundle, const Report& report) {
          exported.emplace(export_registration(report, bundle.certificates, options));
        });
    if (!verified) {
      exit_code = std::max(exit_code, print_unusable(reel.name, verified.error()));
      continue;
    }
    const Report& report = *verified;
    if (!o.quiet) std::cout << render_summary(report, reel.name);
    if (!exported || !*exported) {
      // Fail closed: nothing of this reel is written.
      exit_code = std::max(exit_code,
                           print_unusable(reel.name, exported ? exported->error()
                                                              : make_error(ErrorCode::kBadInput,
                                                                           "nothing to export")));
      continue;
    }
    const Export& result = **exported;
    const fs::path dir = several ? out / reel_folder_name(reel.name) : out;
    if (several && !o.force && !is_empty_or_missing(dir, error)) {
      std::cerr << "reelcheck: " << error << "\n";
      exit_code = std::max(exit_code, kExitUnusable);
      continue;
    }
    if (!write_export(dir, result, error)) {
      std::cerr << "reelcheck: cannot write " << error << "\n";
      exit_code = std::max(exit_code, kExitUnusable);
      continue;
    }
    if (!o.quiet)
      std::cout << "  export " << o.export_format << " (" << slot_name(options.slot)
                << "): " << result.exported << " chip(s) written to " << dir.string() << ", "
                << result.left_out << " left out (reasons in manifest.json)\n"
                << std::flush;
    if (!report.all_ok() || result.withheld > 0) exit_code = std::max(exit_code, kExitFindings);
  }
  return exit_code;
}

} // namespace reelcheck::cli
