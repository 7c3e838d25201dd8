#include "reel_verification.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>

#include "session_runner.hpp"
#include "reelcheck/session.hpp"

namespace reelcheck::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxInputSize = 4096ull << 20;

} // namespace

PlannedReels plan_reels(const std::vector<std::string>& arguments) {
  PlannedReels plan;
  for (const auto& arg : arguments) {
    HandedOverItem item{arg, {}, false};
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      item.folder = true;
    } else {
      // A single file: grouping only needs the bytes of loose inner archives (small); a whole
      // bundle is read when its turn comes, so a batch never holds every bundle at once.
      const bool loose = names_an_inner_archive(fs::path(arg).filename().string());
      if (loose) {
        auto loaded = load_bundle_argument(arg, kMaxInputSize);
        if (!loaded) {
          plan.unreadable.emplace_back(arg, loaded.error());
          continue;
        }
        item.files = plan.loaded.emplace_back(std::move(*loaded)).inputs();
      }
    }
    plan.items.push_back(std::move(item));
  }
  // With more than one argument, each whole bundle's reel is read from its listing (no entry is
  // unpacked, the bytes are dropped at once), so that a .7z and a .zip of one reel, or a bundle
  // and loose archives of it, are one reel verified once, as the page does. Unreadable ones are
  // grouped by name; reading them later says why.
  if (arguments.size() > 1) {
    for (auto& item : plan.items) {
      if (item.folder || !item.files.empty()) continue;
      auto loaded = load_bundle_argument(item.name, kMaxInputSize);
      if (!loaded) continue;
      const auto inputs = loaded->inputs();
      if (inputs.size() == 1) item.reel = bundle_reel(inputs.front());
    }
  }
  plan.reels = group_inputs_by_reel(plan.items);
  return plan;
}

Result<Report> verify_reel(const PlannedReels& plan, const ReelInputs& reel, const Options& o,
                           KeySource& keys, const TrustStore& trust,
                           const WithBundle& with_bundle) {
  // Whole bundles and folders are read now; loose archives were read while planning. The files
  // keep the order the items were handed over in (the reader keeps the first of two copies).
  std::deque<LoadedInput> whole;
  std::vector<InputFile> files;
  for (std::size_t index : reel.items) {
    const HandedOverItem& item = plan.items[index];
    if (!item.files.empty()) {
      files.insert(files.end(), item.files.begin(), item.files.end());
      continue;
    }
    auto loaded = load_bundle_argument(item.name, kMaxInputSize);
    if (!loaded) return loaded.error();
    const auto inputs = whole.emplace_back(std::move(*loaded)).inputs();
    files.insert(files.end(), inputs.begin(), inputs.end());
  }
  const bool tty = isatty(STDERR_FILENO) && !o.quiet;
  const std::string bundle_name = fs::path(reel.name).filename().string();

  VerificationSession session(trust, o.at, Limits{}, o.jobs);
  // A key asked for on the terminal is asked while the other threads already unpack: their
  // progress is not printed over the prompt (skipped, never waited for, while it is open).
  std::mutex terminal;
  const ProgressFn progress = [&](Phase phase, std::uint64_t done, std::uint64_t total) {
    const std::unique_lock printing(terminal, std::try_to_lock);
    if (tty && printing.owns_lock())
      std::fprintf(stderr, "\r%-13s %llu/%llu   ",
                   (std::string(phase_name(phase)) +
                    (phase == Phase::kDecompressing ? " archives" : ""))
                       .c_str(),
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  };
  const auto begun =
      o.certs_only
          ? session.begin_certificates_only(files, progress)
          : session.begin(
                files,
                [&](std::string_view reel_id) {
                  const std::lock_guard prompting(terminal);
                  if (tty) std::fputs("\r\033[K", stderr); // a prompt starts its own line
                  return keys.key_for(reel_id, bundle_name);
                },
                progress);
  if (begun) return *begun;
  // Unpacking, the key derivation and verification, on every core at once.
  const auto ran = run_session(session, o.jobs);
  if (tty) std::fputs("\r\033[K", stderr);
  if (ran) return *ran;
  whole.clear(); // the bundles' bytes are no longer needed: the session holds what it unpacked
  auto report = session.take_report(ReportOptions{o.at, o.include_secrets, reel.findings});
  if (!report) return report.error();
  if (with_bundle) with_bundle(session.bundle(), *report);
  return report;
}

Result<TrustStore> load_trust(const Options& o) {
  TrustStore store = o.no_default_trust ? TrustStore::empty() : TrustStore::infineon_default();
  for (const auto& file : o.trust_files) {
    auto data = read_file(file, 16u << 20);
    if (!data) return data.error();
    auto added = store.add(*data, fs::path(file).filename().string());
    if (!added) return added.error();
  }
  if (store.anchors().empty()) return make_error(ErrorCode::kBadInput, "no trust anchors");
  return store;
}

} // namespace reelcheck::cli
