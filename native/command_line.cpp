#include "command_line.hpp"

#include <CLI/CLI.hpp>

#include <ctime>
#include <iterator>
#include <iostream>
#include <string_view>
#include <thread>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/export.hpp"
#include "reelcheck/lookup.hpp"
#include "reelcheck/version.hpp"

namespace reelcheck::cli {
namespace {

// The transport key would land in the process list and in shell history: refused before
// anything else, whatever the spelling.
bool looks_like_a_key_option(std::string_view arg) {
  for (std::string_view name : {"--key", "--password", "--transport-key", "--passphrase"})
    if (arg == name ||
        (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '='))
      return true;
  return false;
}

std::string version_text() {
  const LibraryVersions v = library_versions();
  return "reelcheck " + v.reelcheck + "\n  mbedTLS " + v.mbedtls + "\n  LZMA SDK " + v.lzma_sdk +
         "\n  zlib " + v.zlib;
}

const CLI::Validator kCheckTime(
    [](std::string& text) -> std::string {
      if (parse_check_time(text)) return {};
      return "'" + text +
             "' is not a time like 2026-06-01T00:00:00Z, 2026-06-01 or @<unix seconds> (and the "
             "day must exist)";
    },
    "TIME");

const CLI::Validator kSlot(
    [](std::string& text) -> std::string {
      if (parse_slot(text)) return {};
      return "'" + text + "' is not a slot: E0E0, E0E1 or E0E2";
    },
    "E0E0|E0E1|E0E2");

// Options shared by the commands that verify a reel.
struct VerifyOptions {
  CLI::App* app;
  Options& o;
  std::string at_text;

  void add_keys() {
    auto* file = app->add_option("--key-file", o.key_file,
                                 "transport key file: one key, or '<reel ID> <key>' lines")
                     ->type_name("FILE");
    auto* env = app->add_option("--key-env", o.key_env, "take the transport key from variable VAR")
                    ->type_name("VAR");
    file->excludes(env);
    app->add_flag("--certs-only", o.certs_only,
                  "check the certificates only, without the transport key: the keys archive is "
                  "listed, not opened, and no key is asked for")
        ->excludes(file)
        ->excludes(env);
  }
  void add_trust_and_time() {
    app->add_option("--trust", o.trust_files, "add trust anchors from a PEM file (repeatable)")
        ->allow_extra_args(false)
        ->type_name("PEM");
    app->add_flag("--no-default-trust", o.no_default_trust,
                  "do not trust the embedded Infineon CAs (use only --trust files)");
    app->add_option("--at", at_text, "check time, e.g. 2026-06-01T00:00:00Z (default: now)")
        ->check(kCheckTime);
  }
  void add_jobs() {
    app->add_option("--jobs", o.jobs, "verification threads (default: all cores)")
        ->check(CLI::Range(1u, 256u))
        ->type_name("N");
  }
};

} // namespace

std::optional<int> parse_command_line(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    if (looks_like_a_key_option(argv[i])) {
      std::cerr << "reelcheck: the transport key is never taken on the command line (it would "
                   "show in the process list and shell history): use --key-file, --key-env or "
                   "the prompt\n";
      return kExitUsage;
    }
  }
  o.jobs = std::max(1u, std::thread::hardware_concurrency());

  CLI::App app{"Verify OPTIGA Trust M Cloud ID bundle files (transport key never on argv).",
               "reelcheck"};
  app.set_version_flag("--version", version_text(),
                       "print the versions of reelcheck, mbedTLS, "
                       "the LZMA SDK and zlib");
  app.require_subcommand(1);
  app.fallthrough(false);

  std::string at_text;
  auto* verify = app.add_subcommand("verify", "verify whole reels (several = batch)");
  verify
      ->add_option("inputs", o.inputs,
                   "bundles (.7z/.zip), folders of inner archives, or loose inner archives "
                   "(grouped by reel ID and batch ID)")
      ->required()
      ->type_name("BUNDLE_OR_DIR...");
  VerifyOptions v{verify, o, {}};
  v.add_keys();
  verify
      ->add_option("--json", o.json_out,
                   "write the JSON report ('-' = stdout; a folder for several reels)")
      ->type_name("OUT");
  verify->add_option("--csv", o.csv_out, "write one CSV row per chip (same naming as --json)")
      ->type_name("OUT");
  verify
      ->add_flag("--include-secrets", o.include_secrets,
                 "put PBS and authorization reference values into JSON/CSV")
      ->excludes("--certs-only");
  v.add_trust_and_time();
  v.add_jobs();
  verify->add_flag("-q,--quiet", o.quiet, "no summary on stdout");

  auto* lookup = app.add_subcommand(
      "lookup", "verify one reel once, then answer chip lookups (chip ID or 27-byte UID)");
  lookup->add_option("inputs", o.inputs, "the reel: a bundle, a folder, or its inner archives")
      ->required()
      ->type_name("BUNDLE_OR_DIR...");
  auto* chip = lookup
                   ->add_option("--chip", o.chips,
                                "a 20-digit chip ID or a 54-digit (27-byte) coprocessor UID "
                                "(repeatable)")
                   ->allow_extra_args(false)
                   ->type_name("ID_OR_UID");
  auto* chips = lookup
                    ->add_option("--chips", o.chips_file,
                                 "read one chip ID or UID per line from FILE ('-' = stdin), "
                                 "optionally followed by the certificate read from the chip, and "
                                 "write one JSON line per answer, flushed at once")
                    ->type_name("FILE|-");
  auto* chip_cert =
      lookup
          ->add_option("--chip-cert", o.chip_certs,
                       "the certificate the station read from the chip (the --slot data "
                       "object, bare DER or with its TLS identity header, hex or base64): the "
                       "answer is certificate_mismatch, without secrets, unless it is the "
                       "bundle's; one per --chip, in the same order")
          ->allow_extra_args(false)
          ->type_name("HEX_OR_BASE64");
  std::string slot_text;
  lookup
      ->add_option("--slot", slot_text,
                   "the data object the station reads certificates from (default E0E0); with "
                   "--chips, a certificate may follow the UID on each line")
      ->check(kSlot)
      ->type_name("SLOT");
  VerifyOptions l{lookup, o, {}};
  l.add_keys();
  lookup
      ->add_option("--json", o.json_out,
                   "write the answers as JSON ('-' = stdout; JSON lines for several chips)")
      ->type_name("OUT");
  lookup
      ->add_flag("--include-secrets", o.include_secrets,
                 "include the PBS and authorization reference values")
      ->excludes("--certs-only");
  l.add_trust_and_time();
  l.add_jobs();
  lookup->add_flag("-q,--quiet", o.quiet, "no progress on stderr");

  std::string export_slot_text;
  auto* exporter = app.add_subcommand(
      "export", "verify a reel, then write registration files for AWS IoT, Azure DPS or "
                "Thingpress holding only its verified certificates (and manifest.json)");
  exporter->add_option("inputs", o.inputs, "the reel: a bundle, a folder, or its inner archives")
      ->required()
      ->type_name("BUNDLE_OR_DIR...");
  // The formats' names are the core's (export.hpp), listed as "a, b, c or d".
  std::vector<std::string> format_names;
  std::string format_list;
  for (const ExportFormat f : kAllExportFormats) {
    format_names.emplace_back(export_format_name(f));
    format_list += (format_list.empty() ? ""
                    : format_names.size() == std::size(kAllExportFormats) ? " or "
                                                                           : ", ") +
                   format_names.back();
  }
  exporter->add_option("--format", o.export_format, format_list)
      ->required()
      ->check(CLI::IsMember(format_names))
      ->type_name("FORMAT");
  exporter
      ->add_option("--out", o.out_dir,
                   "folder to write into (must be empty or new, unless --force; several reels: "
                   "one subfolder each)")
      ->required()
      ->type_name("DIR");
  exporter->add_option("--slot", export_slot_text, "which certificate: E0E0 (default), E0E1 or E0E2")
      ->check(kSlot)
      ->type_name("SLOT");
  exporter->add_flag("--include-extra", o.include_extra,
                     "also export chips with certificates but no secrets (scrapped in test)");
  exporter->add_flag("--force", o.force,
                     "write into a non-empty DIR (files an earlier export listed in its "
                     "manifest.json are replaced or removed; nothing else is touched)");
  VerifyOptions x{exporter, o, {}};
  x.add_keys();
  x.add_trust_and_time();
  x.add_jobs();
  exporter->add_flag("-q,--quiet", o.quiet, "no summary on stdout");

  auto* merge = app.add_subcommand(
      "merge", "combine per-reel JSON reports into one fleet summary; find cross-reel "
               "duplicates of chip IDs, public keys and secrets");
  merge->add_option("reports", o.inputs, "reports written by 'reelcheck verify --json'")
      ->required()
      ->type_name("REPORT.json...");
  merge->add_option("--json", o.json_out, "write the fleet summary as JSON ('-' = stdout)")
      ->type_name("OUT");
  merge->add_option("--csv", o.csv_out, "write one CSV row per reel ('-' = stdout)")
      ->type_name("OUT");
  merge->add_flag("-q,--quiet", o.quiet, "no summary on stdout");

  auto* reconcile = app.add_subcommand(
      "reconcile", "compare what the line provisioned with a reel's report: certificates of "
                   "chips never seen (to deactivate in AWS IoT), chips seen but not in the reel "
                   "(an alarm)");
  reconcile
      ->add_option("report", o.inputs, "the reel's report, written by 'reelcheck verify --json'")
      ->required()
      ->expected(1)
      ->type_name("REPORT.json");
  reconcile
      ->add_option("--seen", o.seen_file,
                   "the chip IDs or 54-digit UIDs the line provisioned, one a line ('-' = "
                   "stdin; blank lines and # comments are skipped)")
      ->required()
      ->type_name("FILE|-");
  reconcile
      ->add_option("--out", o.out_dir,
                   "folder for deactivate.sh, unused.csv, foreign.csv and summary.json "
                   "(made if missing)")
      ->required()
      ->type_name("DIR");
  std::string reconcile_slot_text;
  reconcile
      ->add_option("--slot", reconcile_slot_text,
                   "deactivate only this slot's certificates (default: all three)")
      ->check(kSlot)
      ->type_name("SLOT");
  reconcile->add_flag("-q,--quiet", o.quiet, "no summary on stdout");

  auto* inspect = app.add_subcommand("inspect", "verify loose certificate files");
  inspect->add_option("certificates", o.inputs, "PEM or DER files")
      ->required()
      ->type_name("CERT.pem...");
  VerifyOptions i{inspect, o, {}};
  i.add_trust_and_time();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) { // --help, --version
      app.exit(e);
      return kExitOk;
    }
    std::cerr << "reelcheck: " << e.what() << "\n"
              << "Run 'reelcheck --help' or 'reelcheck COMMAND --help' for the options.\n";
    return kExitUsage;
  }

  for (auto* sub : {verify, lookup, exporter, merge, inspect, reconcile})
    if (sub->parsed()) o.command = sub->get_name();
  for (const auto* parts : {&v, &l, &x, &i})
    if (!parts->at_text.empty()) at_text = parts->at_text;
  for (const std::string* text : {&slot_text, &export_slot_text, &reconcile_slot_text})
    if (!text->empty()) o.slot = parse_slot(*text);
  o.at = at_text.empty() ? static_cast<CheckTime>(std::time(nullptr)) : *parse_check_time(at_text);

  auto usage = [](const std::string& message) {
    std::cerr << "reelcheck: " << message << "\n";
    return kExitUsage;
  };
  if (o.command == "lookup") {
    if (chip->count() == 0 && chips->count() == 0)
      return usage("lookup needs --chip ID_OR_UID (repeatable) or --chips FILE|-");
    for (const auto& c : o.chips)
      if (!parse_chip_lookup(c))
        return usage("--chip '" + c +
                     "' is not a 20-digit chip ID or a 54-digit (27-byte) coprocessor UID");
    if (chip_cert->count() != 0 && o.chip_certs.size() != o.chips.size())
      return usage(
          "--chip-cert pairs with --chip, in the same order: " + std::to_string(o.chips.size()) +
          " --chip but " + std::to_string(o.chip_certs.size()) + " --chip-cert");
    for (std::size_t n = 0; n < o.chip_certs.size(); ++n)
      if (auto der = parse_station_certificate(o.chip_certs[n]); !der)
        return usage("--chip-cert for " + o.chips[n] + ": " + der.error().message);
  }
  return std::nullopt;
}

} // namespace reelcheck::cli
