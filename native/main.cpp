// reelcheck: verify OPTIGA Trust M Cloud ID bundle files from the command line.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "file_io.hpp"
#include "key_source.hpp"
#include "parallel_verifier.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/report.hpp"
#include "summary.hpp"

namespace fs = std::filesystem;
using namespace reelcheck;
using namespace reelcheck::cli;

namespace {

// Exit codes (README "Exit codes").
constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUnusable = 2;
constexpr int kExitUsage = 64;

constexpr std::uint64_t kMaxInputSize = 4096ull << 20;

constexpr const char* kUsage = R"(usage:
  reelcheck verify BUNDLE_OR_DIR... [options]   verify whole bundles (several = batch)
  reelcheck lookup BUNDLE_OR_DIR --chip ID_OR_UID [options]
                                                 one chip's record (chip ID or 27-byte UID)
  reelcheck inspect CERT.pem...  [--trust PEM] [--no-default-trust] [--at TIME]
                                                 verify loose certificate files

options:
  --key-file F        transport key file: one key, or '<reel ID> <key>' lines for a batch
  --key-env VAR       take the transport key from environment variable VAR
                      (default: ask on the terminal without echo, or read standard input)
  --json OUT          write the JSON report (OUT '-' = stdout; a folder for several bundles)
  --csv OUT           write one CSV row per chip (same naming as --json)
  --include-secrets   put PBS and authorization reference values into JSON/CSV/lookup
  --trust PEM         add trust anchors from a PEM file (repeatable)
  --no-default-trust  do not trust the embedded Infineon CAs (use only --trust files)
  --at TIME           check time, e.g. 2026-06-01T00:00:00Z (default: now)
  --jobs N            verification threads (default: all cores)
  --quiet             no summary on stdout
)";

struct Options {
  std::string command;
  std::vector<std::string> positional;
  std::optional<std::string> key_file, key_env, json_out, csv_out, chip;
  std::vector<std::string> trust_files;
  bool no_default_trust = false;
  bool include_secrets = false;
  bool quiet = false;
  CheckTime at = static_cast<CheckTime>(std::time(nullptr));
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
};

int usage_error(const std::string& message) {
  std::cerr << "reelcheck: " << message << "\n\n" << kUsage;
  return kExitUsage;
}

std::optional<int> parse_options(int argc, char** argv, Options& o) {
  if (argc < 2) return usage_error("no command given");
  o.command = argv[1];
  if (o.command == "-h" || o.command == "--help" || o.command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (o.command != "verify" && o.command != "lookup" && o.command != "inspect")
    return usage_error("unknown command '" + o.command + "'");
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    auto need = [&](std::optional<std::string>& slot) {
      slot = value();
      return slot.has_value();
    };
    if (arg == "--key-file") {
      if (!need(o.key_file)) return usage_error(arg + " needs a file");
    } else if (arg == "--key-env") {
      if (!need(o.key_env)) return usage_error(arg + " needs a variable name");
    } else if (arg == "--json") {
      if (!need(o.json_out)) return usage_error(arg + " needs a path");
    } else if (arg == "--csv") {
      if (!need(o.csv_out)) return usage_error(arg + " needs a path");
    } else if (arg == "--chip") {
      if (!need(o.chip)) return usage_error(arg + " needs a chip ID or UID");
    } else if (arg == "--trust") {
      auto v = value();
      if (!v) return usage_error("--trust needs a PEM file");
      o.trust_files.push_back(*v);
    } else if (arg == "--at") {
      auto v = value();
      const auto t = v ? parse_check_time(*v) : std::nullopt;
      if (!t) return usage_error("--at needs a time like 2026-06-01T00:00:00Z");
      o.at = *t;
    } else if (arg == "--jobs") {
      auto v = value();
      int n = v ? std::atoi(v->c_str()) : 0;
      if (n < 1 || n > 256) return usage_error("--jobs needs a number from 1 to 256");
      o.jobs = static_cast<unsigned>(n);
    } else if (arg == "--include-secrets")
      o.include_secrets = true;
    else if (arg == "--no-default-trust")
      o.no_default_trust = true;
    else if (arg == "--quiet" || arg == "-q")
      o.quiet = true;
    else if (arg == "--key" || arg == "--password" || arg.rfind("--key=", 0) == 0)
      return usage_error(
          "the transport key is never taken on the command line (it would show in "
          "the process list and shell history): use --key-file, --key-env or the prompt");
    else if (arg.size() > 1 && arg[0] == '-')
      return usage_error("unknown option " + arg);
    else
      o.positional.push_back(arg);
  }
  if (o.positional.empty()) return usage_error("no input given");
  if (o.key_file && o.key_env) return usage_error("use either --key-file or --key-env, not both");
  if (o.command == "lookup" && (!o.chip || o.positional.size() != 1))
    return usage_error("lookup takes one bundle and --chip");
  if (o.command == "lookup" && !parse_chip_lookup(*o.chip))
    return usage_error("--chip must be a 20-digit chip ID or a 54-digit (27-byte) coprocessor UID");
  return std::nullopt;
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

// "verify a.7z b.7z --json out/" -> out/a.json, out/b.json
fs::path output_path(const std::string& out, const std::string& input, const char* ext,
                     bool several) {
  if (!several) return out;
  fs::path name = fs::path(input).filename();
  if (name.empty()) name = fs::path(input).parent_path().filename();
  name.replace_extension(ext);
  return fs::path(out) / name;
}

bool emit(const std::optional<std::string>& target, const std::string& input, const char* ext,
          bool several, std::string content) {
  if (!target) return true;
  bool ok = true;
  if (*target == "-") {
    std::cout << content;
  } else {
    const fs::path path = output_path(*target, input, ext, several);
    if (several) fs::create_directories(path.parent_path());
    std::string error;
    if (!write_file(path, content, error)) {
      std::cerr << "reelcheck: cannot write " << error << "\n";
      ok = false;
    }
  }
  secure_wipe(content.data(), content.size()); // may hold secrets
  return ok;
}

Result<Report> verify_one(const std::string& arg, const Options& o, KeySource& keys,
                          const TrustStore& trust) {
  auto loaded = load_bundle_argument(arg, kMaxInputSize);
  if (!loaded) return loaded.error();
  const bool tty = isatty(STDERR_FILENO);
  const std::string bundle_name = fs::path(arg).filename().string();
  const auto inputs = loaded->inputs();
  auto bundle = BundleReader().open(
      inputs, [&](std::string_view reel) { return keys.key_for(reel, bundle_name); },
      [&](Phase phase, std::uint64_t done, std::uint64_t total) {
        if (tty && !o.quiet)
          std::fprintf(stderr, "\r%-10s %llu/%llu   ", std::string(phase_name(phase)).c_str(),
                       static_cast<unsigned long long>(done),
                       static_cast<unsigned long long>(total));
      });
  if (!bundle) return bundle.error();
  auto verdicts = verify_in_parallel(
      bundle->certificates, trust, o.at, o.jobs,
      tty && !o.quiet ? VerifyProgress([](std::size_t done, std::size_t total) {
        std::fprintf(stderr, "\rverifying  %zu/%zu certificates   ", done, total);
      })
                      : VerifyProgress{});
  if (tty && !o.quiet) std::fputs("\r\033[K", stderr);
  if (!verdicts) return verdicts.error();
  return build_report(*bundle, std::move(*verdicts), trust, ReportOptions{o.at, o.include_secrets});
}

int print_unusable(const std::string& arg, const Error& e) {
  std::cout << arg << ": " << e.message << " [" << error_code_name(e.code) << "]\n";
  std::cerr << "reelcheck: " << arg << ": " << e.message << "\n";
  return kExitUnusable;
}

int run_verify(const Options& o, KeySource& keys, const TrustStore& trust) {
  const bool several = o.positional.size() > 1;
  int exit_code = kExitOk;
  for (const auto& arg : o.positional) {
    auto verified = verify_one(arg, o, keys, trust);
    if (!verified) {
      exit_code = std::max(exit_code, print_unusable(arg, verified.error()));
      continue;
    }
    const Report& report = *verified;
    if (!o.quiet && o.json_out != "-" && o.csv_out != "-")
      std::cout << render_summary(report, arg) << std::flush;
    bool ok = emit(o.json_out, arg, ".json", several, report_to_json(report));
    ok &= emit(o.csv_out, arg, ".csv", several, report_to_csv(report));
    if (!ok) exit_code = std::max(exit_code, kExitUnusable);
    if (!report.all_ok()) exit_code = std::max(exit_code, kExitFindings);
  }
  return exit_code;
}

int run_lookup(const Options& o, KeySource& keys, const TrustStore& trust) {
  const std::string& arg = o.positional.front();
  auto verified = verify_one(arg, o, keys, trust);
  if (!verified) return print_unusable(arg, verified.error());
  const ChipId id = *parse_chip_lookup(*o.chip);
  const ChipRecord* chip = verified->find_chip(id.hex());
  if (chip == nullptr) {
    std::cout << "chip " << id.hex() << " is not in " << arg << "\n";
    return kExitFindings;
  }
  if (o.json_out) {
    emit(o.json_out, arg, ".json", false, chip_to_json(*chip, o.include_secrets));
  } else {
    std::string text = render_chip(*chip, o.include_secrets);
    std::cout << text;
    secure_wipe(text.data(), text.size());
  }
  return chip->status == ChipStatus::kFailed ? kExitFindings : kExitOk;
}

int run_inspect(const Options& o, const TrustStore& trust) {
  const ChainVerifier verifier(trust);
  int exit_code = kExitOk;
  for (const auto& arg : o.positional) {
    auto data = read_file(arg, 16u << 20);
    if (!data) {
      exit_code = std::max(exit_code, print_unusable(arg, data.error()));
      continue;
    }
    // A file named like a bundle entry (<chipID>_<slot>.pem) is judged by the device rules.
    const std::string name = fs::path(arg).filename().string();
    const auto us = name.find('_');
    const auto slot = us == std::string::npos ? std::nullopt : parse_slot(name.substr(us + 1, 4));
    CertificateVerdict v = slot ? verifier.verify(CertificateFile{"", name, *slot, *data}, o.at)
                                : verifier.verify_loose(*data, name, o.at);
    std::cout << arg << ":\n" << render_verdict(v);
    if (!v.ok()) exit_code = std::max(exit_code, kExitFindings);
  }
  return exit_code;
}

} // namespace

int main(int argc, char** argv) {
  Options o;
  if (auto early = parse_options(argc, argv, o)) return *early;
  auto trust = load_trust(o);
  if (!trust) {
    std::cerr << "reelcheck: " << trust.error().message << "\n";
    return kExitUnusable;
  }
  if (o.command == "inspect") return run_inspect(o, *trust);

  std::optional<KeySource> keys;
  if (o.key_file) {
    auto k = KeySource::from_file(*o.key_file);
    if (!k) return usage_error(k.error().message);
    keys = std::move(*k);
  } else if (o.key_env) {
    auto k = KeySource::from_env(*o.key_env);
    if (!k) return usage_error(k.error().message);
    keys = std::move(*k);
  } else {
    keys = KeySource::interactive();
  }
  return o.command == "verify" ? run_verify(o, *keys, *trust) : run_lookup(o, *keys, *trust);
}
