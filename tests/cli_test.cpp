// The native CLI as users and batch jobs drive it: exit codes, key sources, JSON/CSV output,
// lookup by chip ID and by coprocessor UID, batch runs, inspect.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "cli_runner.hpp"
#include "fixture_manifest.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

std::string fixture_path(const std::string& rel) {
  return shell_quote((fixtures_dir() / rel).string());
}
std::string bundle_arg(const std::string& name) {
  const auto& e = bundle_entry(name);
  return e.contains("directory") ? fixture_path(e["directory"].get<std::string>())
                                 : fixture_path(e["files"][0].get<std::string>());
}
std::string key_arg(const std::string& name) {
  return " --key-file " + fixture_path(bundle_entry(name)["key_file"].get<std::string>());
}
const std::string kTrust = " --trust " + shell_quote((fixtures_dir() / "pki/trust.pem").string()) +
                           " --no-default-trust --at 2026-06-01T00:00:00Z";
std::string key_text(const std::string& name) {
  const Bytes k = read_file(fixtures_dir() / bundle_entry(name)["key_file"].get<std::string>());
  return std::string(k.begin(), k.end());
}
std::string slurp(const fs::path& p) {
  const Bytes b = read_file(p);
  return {b.begin(), b.end()};
}
// The first data row of the secrets CSV the fixture script packed: chip, PBS, auth.
std::vector<std::string> first_secret_row(const std::string& name) {
  const std::string csv =
      slurp(fixtures_dir() / bundle_entry(name)["secrets_file"].get<std::string>());
  const auto start = csv.find('\n') + 1;
  const std::string line = csv.substr(start, csv.find('\n', start) - start);
  std::vector<std::string> fields;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');)
    fields.push_back(f);
  return fields;
}

} // namespace

TEST(Cli, CleanBundleExitsZeroWithSummaryJsonAndCsv) {
  TempDir tmp;
  for (const char* name : {"clean_7z", "clean_zip", "clean_zip_stored", "clean_loose"}) {
    const auto json = tmp / (std::string(name) + ".json");
    const auto csv = tmp / (std::string(name) + ".csv");
    const CliRun run = run_cli("verify " + bundle_arg(name) + key_arg(name) + kTrust + " --json " +
                               shell_quote(json.string()) + " --csv " + shell_quote(csv.string()));
    EXPECT_EQ(run.exit_code, 0) << name << run.out << run.err;
    EXPECT_NE(run.out.find("20 ok, 0 failed, 0 extra"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("VERDICT: OK"), std::string::npos);
    const auto report = read_json(json);
    EXPECT_EQ(report["verdict"], "ok");
    EXPECT_EQ(report["counts"]["ok"], 20);
    EXPECT_EQ(report["schema"], "reelcheck-report");
    const std::string csv_text = slurp(csv);
    EXPECT_EQ(std::count(csv_text.begin(), csv_text.end(), '\n'), 21)
        << "header + one row per chip";
    // Secrets are neither in the reports nor on the terminal unless asked for.
    const auto secrets = first_secret_row(name);
    for (const auto& text : {slurp(json), csv_text, run.out, run.err}) {
      EXPECT_EQ(text.find(secrets[1]), std::string::npos);
      EXPECT_EQ(text.find(key_text(name)), std::string::npos);
    }
  }
}

TEST(Cli, FindingsExitOneAndListTheFailedChips) {
  const CliRun run = run_cli("verify " + bundle_arg("mixed") + key_arg("mixed") + kTrust);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("10 ok, 10 failed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1122334455AA00120034"), std::string::npos);
  EXPECT_NE(run.out.find("signature_invalid"), std::string::npos);
  EXPECT_NE(run.out.find("VERDICT: FAILED"), std::string::npos);
}

TEST(Cli, UnusableInputExitsTwoWithAClearMessageAndNoReport) {
  TempDir tmp;
  const auto json = tmp / "r.json";
  const CliRun wrong = run_cli("verify " + bundle_arg("wrong_key") + key_arg("wrong_key") + kTrust +
                               " --json " + shell_quote(json.string()));
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.out.find("wrong transport key"), std::string::npos) << wrong.out;
  EXPECT_FALSE(fs::exists(json)) << "no partial report on a wrong key";
  for (const char* name : {"truncated", "not_a_bundle", "crc_mismatch", "traversal",
                           "keys_unencrypted", "keys_mixed", "keys_second_pair"}) {
    const CliRun run = run_cli("verify " + bundle_arg(name) + key_arg(name) + kTrust);
    EXPECT_EQ(run.exit_code, 2) << name << run.out;
    EXPECT_NE(run.out.find(bundle_entry(name)["expected"]["error"].get<std::string>()),
              std::string::npos)
        << run.out;
  }
}

TEST(Cli, KeyComesFromFileEnvironmentOrStandardInputButNeverArgv) {
  const std::string key = key_text("clean_7z");
  const CliRun env = run_cli("verify " + bundle_arg("clean_7z") + kTrust + " --key-env RC_TEST_KEY",
                             "RC_TEST_KEY=" + shell_quote(key));
  EXPECT_EQ(env.exit_code, 0) << env.out << env.err;
  const CliRun piped = run_cli("verify " + bundle_arg("clean_7z") + kTrust, "", key + "\n");
  EXPECT_EQ(piped.exit_code, 0) << piped.out << piped.err;
  const CliRun argv =
      run_cli("verify " + bundle_arg("clean_7z") + kTrust + " --key " + shell_quote(key));
  EXPECT_EQ(argv.exit_code, 64);
  EXPECT_NE(argv.err.find("never taken on the command line"), std::string::npos);
  const CliRun unset =
      run_cli("verify " + bundle_arg("clean_7z") + kTrust + " --key-env RC_NOT_SET_ANYWHERE");
  EXPECT_EQ(unset.exit_code, 64);
  const CliRun none = run_cli("verify " + bundle_arg("clean_7z") + kTrust);
  EXPECT_EQ(none.exit_code, 2) << "no key on a closed stdin";
  EXPECT_NE(none.out.find("transport key"), std::string::npos) << none.out;
}

TEST(Cli, UsageErrorsExit64) {
  EXPECT_EQ(run_cli("").exit_code, 64);
  EXPECT_EQ(run_cli("frobnicate x").exit_code, 64);
  EXPECT_EQ(run_cli("verify").exit_code, 64);
  EXPECT_EQ(run_cli("verify x.7z --at yesterday").exit_code, 64);
  EXPECT_EQ(run_cli("verify x.7z --jobs 0").exit_code, 64);
  EXPECT_EQ(run_cli("lookup x.7z").exit_code, 64);
  EXPECT_EQ(run_cli("lookup x.7z --chip 12345").exit_code, 64);
  EXPECT_EQ(run_cli("--help").exit_code, 0);
}

TEST(Cli, BatchRunVerifiesSeveralReelsWithOneKeyPerReel) {
  TempDir tmp;
  const std::string keys =
      bundle_entry("clean_7z")["reel_id"].get<std::string>() + " " + key_text("clean_7z") + "\n" +
      bundle_entry("mixed")["reel_id"].get<std::string>() + " " + key_text("mixed") + "\n";
  write_file(tmp / "keys.txt", keys);
  const auto out = tmp / "reports";
  const CliRun run =
      run_cli("verify " + bundle_arg("clean_7z") + " " + bundle_arg("mixed") + kTrust +
              " --key-file " + shell_quote((tmp / "keys.txt").string()) + " --json " +
              shell_quote(out.string()) + " --csv " + shell_quote(out.string()));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err; // mixed has findings
  EXPECT_EQ(read_json(out / "clean.json")["verdict"], "ok");
  EXPECT_EQ(read_json(out / "mixed.json")["counts"]["failed"], 10);
  EXPECT_TRUE(fs::exists(out / "mixed.csv"));
  // One unusable bundle in a batch: exit 2, the others are still reported.
  const CliRun worse =
      run_cli("verify " + bundle_arg("clean_7z") + " " + bundle_arg("not_a_bundle") + kTrust +
              " --key-file " + shell_quote((tmp / "keys.txt").string()));
  EXPECT_EQ(worse.exit_code, 2);
  EXPECT_NE(worse.out.find("VERDICT: OK"), std::string::npos);
}

TEST(Cli, LookupFindsAChipByIdAndByCoprocessorUid) {
  const auto& uid = bundle_entry("clean_7z")["sample_uid"];
  const std::string chip = uid["chip_id"];
  const auto secrets = first_secret_row("clean_7z");
  ASSERT_EQ(secrets[0], chip);
  for (const std::string& query : {chip, uid["uid"].get<std::string>()}) {
    const CliRun run = run_cli("lookup " + bundle_arg("clean_7z") + key_arg("clean_7z") + kTrust +
                               " --chip " + shell_quote(query));
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("Chip " + chip), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("status: ok"), std::string::npos);
    EXPECT_EQ(run.out.find(secrets[1]), std::string::npos) << "secrets only on request";
  }
  const CliRun json = run_cli("lookup " + bundle_arg("clean_7z") + key_arg("clean_7z") + kTrust +
                              " --chip " + chip + " --json - --include-secrets");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto record = nlohmann::json::parse(json.out);
  EXPECT_EQ(record["chip_id"], chip);
  EXPECT_EQ(record["pbs"]["value"], secrets[1]);
  EXPECT_EQ(record["auth"]["value"], secrets[2]);
  const CliRun missing = run_cli("lookup " + bundle_arg("clean_7z") + key_arg("clean_7z") + kTrust +
                                 " --chip FFFFFFFFFFFF00000000");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("not in"), std::string::npos);
}

TEST(Cli, IncludeSecretsPutsTheDecryptedValuesIntoJsonAndCsv) {
  TempDir tmp;
  const CliRun run =
      run_cli("verify " + bundle_arg("clean_7z") + key_arg("clean_7z") + kTrust +
              " --include-secrets --quiet --json " + shell_quote((tmp / "r.json").string()) +
              " --csv " + shell_quote((tmp / "r.csv").string()));
  ASSERT_EQ(run.exit_code, 0);
  const auto secrets = first_secret_row("clean_7z");
  const auto report = read_json(tmp / "r.json");
  EXPECT_EQ(report["secrets_included"], true);
  EXPECT_EQ(report["chips"][0]["pbs"]["value"], secrets[1]);
  EXPECT_NE(slurp(tmp / "r.csv").find(secrets[1] + "," + secrets[2]), std::string::npos);
}

TEST(Cli, InspectVerifiesLooseCertificateFiles) {
  const std::string dir = "bundles/mixed_certs/";
  const CliRun good =
      run_cli("inspect " + fixture_path(dir + "1122334455AA00120034_E0E1.pem") + kTrust);
  EXPECT_EQ(good.exit_code, 0) << good.out;
  EXPECT_NE(good.out.find("verdict:     ok"), std::string::npos) << good.out;
  const CliRun bad =
      run_cli("inspect " + fixture_path(dir + "1122334455AA00120034_E0E0.pem") + kTrust);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("signature_invalid"), std::string::npos) << bad.out;
  // With only the embedded Infineon anchors, the test PKI is not trusted.
  const CliRun untrusted =
      run_cli("inspect " + fixture_path(dir + "1122334455AA00120034_E0E1.pem"));
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.out.find("issuer_untrusted"), std::string::npos);
}

TEST(Cli, JsonIsByteIdenticalAcrossRunsAndThreadCounts) {
  TempDir tmp;
  for (const char* jobs : {"1", "2", "7"})
    run_cli("verify " + bundle_arg("mixed") + key_arg("mixed") + kTrust + " --quiet --jobs " +
            jobs + " --json " + shell_quote((tmp / (std::string(jobs) + ".json")).string()));
  const std::string one = slurp(tmp / "1.json");
  EXPECT_GT(one.size(), 10000u);
  EXPECT_EQ(one, slurp(tmp / "2.json"));
  EXPECT_EQ(one, slurp(tmp / "7.json"));
}

// ---------------------------------------------------------------- issue 8: the workflow

namespace {

std::string keys_for(std::initializer_list<const char*> names, const TempDir& tmp) {
  std::string text;
  for (const char* name : names)
    text += bundle_entry(name)["reel_id"].get<std::string>() + " " + key_text(name) + "\n";
  const auto path = tmp / "keys.txt";
  write_file(path, text);
  return " --key-file " + shell_quote(path.string());
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);)
    lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST(Cli, HelpOnEveryCommandAndVersions) {
  for (const char* command : {"", "verify ", "lookup ", "merge ", "inspect ", "reconcile "}) {
    const CliRun run = run_cli(std::string(command) + "--help");
    EXPECT_EQ(run.exit_code, 0) << command << run.err;
    EXPECT_NE(run.out.find("Usage:"), std::string::npos) << command << run.out;
  }
  const CliRun verify_help = run_cli("verify --help");
  EXPECT_NE(verify_help.out.find("--key-file"), std::string::npos);
  EXPECT_NE(run_cli("lookup --help").out.find("--chips"), std::string::npos);
  EXPECT_NE(run_cli("lookup --help").out.find("--chip-cert"), std::string::npos);
  EXPECT_NE(run_cli("reconcile --help").out.find("--seen"), std::string::npos);
  const CliRun version = run_cli("--version");
  EXPECT_EQ(version.exit_code, 0);
  for (const char* library : {"reelcheck 0.", "mbedTLS 2.", "LZMA SDK 2", "zlib 1."})
    EXPECT_NE(version.out.find(library), std::string::npos) << library << version.out;
}

TEST(Cli, StrictNumbersAndDatesAreUsageErrors) {
  // kTrust without its --at: a second --at would be an error of its own.
  const std::string ok = "verify " + bundle_arg("clean_7z") + key_arg("clean_7z") + " --trust " +
                         shell_quote((fixtures_dir() / "pki/trust.pem").string()) +
                         " --no-default-trust";
  ASSERT_EQ(run_cli(ok + " --quiet --at 2026-06-01").exit_code, 0);
  for (const char* bad : {" --jobs 4x", " --jobs 0", " --jobs -2", " --jobs 1e3", " --jobs ''",
                          " --at 2026-02-31", " --at 2026-06-01T25:00", " --at 2025-02-29"}) {
    const CliRun run = run_cli(ok + bad);
    EXPECT_EQ(run.exit_code, 64) << bad << run.out;
    const std::string option = std::string(bad).substr(1, std::string(bad).find(' ', 1) - 1);
    EXPECT_NE(run.err.find(option), std::string::npos) << bad << run.err;
  }
  const CliRun leap = run_cli(ok + " --quiet --at 2028-02-29");
  EXPECT_EQ(leap.exit_code, 0) << leap.err;
  EXPECT_EQ(run_cli(ok + " --at 2026-06-01 --at 2026-06-02").exit_code, 64) << "one check time";
  for (const char* key_option : {" --key TK-8H4J-2M9Q-XV6P", " --key=TK-8H4J-2M9Q-XV6P",
                                 " --password x", " --transport-key=x"}) {
    const CliRun run = run_cli(ok + key_option);
    EXPECT_EQ(run.exit_code, 64) << key_option;
    EXPECT_NE(run.err.find("never taken on the command line"), std::string::npos) << run.err;
  }
}

TEST(Cli, LooseInnerArchivesAreGroupedByReelInAnyOrder) {
  TempDir tmp;
  const auto& files = bundle_entry("clean_loose")["files"]; // E0E0, E0E1, E0E2, keys
  auto loose = [&](int i) { return fixture_path(files[i].get<std::string>()); };
  const auto out = tmp / "reports";
  // Shuffled, mixed with a whole bundle, one archive given twice.
  const CliRun run =
      run_cli("verify " + loose(3) + " " + bundle_arg("mixed") + " " + loose(1) + " " + loose(0) +
              " " + loose(2) + " " + loose(0) + keys_for({"clean_loose", "mixed"}, tmp) + kTrust +
              " --json " + shell_quote(out.string()));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err; // mixed has findings; clean is in order
  const std::string reel = bundle_entry("clean_loose")["reel_id"].get<std::string>() + "_" +
                           bundle_entry("clean_loose")["batch_id"].get<std::string>();
  const auto grouped = read_json(out / (reel + ".json"));
  EXPECT_EQ(grouped["verdict"], "ok");
  EXPECT_EQ(grouped["counts"]["ok"], 20);
  EXPECT_EQ(grouped["missing_archives"].size(), 0u);
  ASSERT_EQ(grouped["inputs"].size(), 4u) << "the duplicate is verified once";
  bool duplicate_named = false;
  for (const auto& f : grouped["findings"])
    duplicate_named |= f["code"] == "duplicate_input" && f["severity"] == "warning";
  EXPECT_TRUE(duplicate_named) << grouped["findings"].dump();
  EXPECT_EQ(read_json(out / "mixed.json")["counts"]["failed"], 10);
  EXPECT_EQ(std::count_if(fs::directory_iterator(out), fs::directory_iterator(),
                          [](auto&) { return true; }),
            2)
      << "two reels, two reports";

  // A stray: one inner archive of its reel alone is a finding, and the reel is incomplete.
  const CliRun stray = run_cli("verify " + loose(1) + key_arg("clean_loose") + kTrust + " --json " +
                               shell_quote((tmp / "stray.json").string()));
  EXPECT_EQ(stray.exit_code, 1) << stray.out << stray.err;
  EXPECT_NE(stray.out.find("stray_archive"), std::string::npos) << stray.out;
  const auto report = read_json(tmp / "stray.json");
  EXPECT_EQ(report["missing_archives"].size(), 3u);
}

TEST(Cli, LooseArchivesExtractedFromTheDownloadedBundleVerifyAsOneReel) {
  // What a user has after unpacking the download: `verify *_Certs.7z *_keys.7z`.
  TempDir tmp;
  ASSERT_EQ(run_shell("cd " + shell_quote(tmp.path().string()) + " && 7zz x -bd -bso0 -bsp0 " +
                      bundle_arg("clean_7z")),
            0);
  std::string args;
  for (const auto& entry : fs::directory_iterator(tmp.path()))
    args += " " + shell_quote(entry.path().string());
  const CliRun run = run_cli("verify" + args + key_arg("clean_7z") + kTrust);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("20 ok, 0 failed"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("MISSING"), std::string::npos) << run.out;
}

TEST(Cli, LookupAnswersManyChipsFromOneVerification) {
  TempDir tmp;
  const auto secrets = first_secret_row("clean_7z");
  const auto& uid = bundle_entry("clean_7z")["sample_uid"];
  const std::string chip = uid["chip_id"];
  const std::string base = "lookup " + bundle_arg("clean_7z") + key_arg("clean_7z") + kTrust;
  // Several --chip: one JSON line each, in order.
  const CliRun many = run_cli(base + " --chip " + chip + " --chip " +
                              shell_quote(uid["uid"].get<std::string>()) + " --include-secrets");
  ASSERT_EQ(many.exit_code, 0) << many.err;
  const auto answers = json_lines(many.out);
  ASSERT_EQ(answers.size(), 2u) << many.out;
  for (const auto& a : answers) {
    EXPECT_EQ(a["answer"], "found");
    EXPECT_EQ(a["chip"]["chip_id"], chip);
    EXPECT_EQ(a["chip"]["pbs"]["value"], secrets[1]);
  }
  EXPECT_EQ(answers[1]["query"], uid["uid"]);

  // A file of queries: a malformed line and an unknown chip get clear answers, the rest go on.
  const std::string queries =
      chip + "\nnot a chip\n\n" + "FFFFFFFFFFFF00000000\n" + uid["uid"].get<std::string>() + "\n";
  write_file(tmp / "chips.txt", queries);
  const CliRun file = run_cli(base + " --chips " + shell_quote((tmp / "chips.txt").string()));
  EXPECT_EQ(file.exit_code, 1) << "an unknown chip is a finding";
  const auto lines = json_lines(file.out);
  ASSERT_EQ(lines.size(), 4u) << file.out; // the blank line asks nothing
  EXPECT_EQ(lines[0]["answer"], "found");
  EXPECT_EQ(lines[0]["chip"]["pbs"].contains("value"), false) << "secrets only on request";
  EXPECT_EQ(lines[1]["answer"], "malformed");
  EXPECT_EQ(lines[1]["query"], "not a chip");
  EXPECT_NE(lines[1]["message"].get<std::string>().find("UID"), std::string::npos);
  EXPECT_EQ(lines[2]["answer"], "not_in_reel");
  EXPECT_EQ(lines[2]["chip_id"], "FFFFFFFFFFFF00000000");
  EXPECT_EQ(lines[3]["answer"], "found");
  EXPECT_EQ(lines[3]["chip_id"], chip);
  EXPECT_EQ(file.out.find(secrets[1]), std::string::npos);

  // Standard input, as a station pipes chips in; the key must then come from elsewhere.
  const CliRun piped = run_cli(base + " --chips -", "", chip + "\n");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(json_lines(piped.out).size(), 1u);
  const CliRun no_key =
      run_cli("lookup " + bundle_arg("clean_7z") + kTrust + " --chips -", "", chip + "\n");
  EXPECT_EQ(no_key.exit_code, 64);
  EXPECT_NE(no_key.err.find("--key-file"), std::string::npos) << no_key.err;
}

TEST(Cli, MergeCombinesReelsAndFindsCrossReelDuplicates) {
  if (!manifest().contains("fleet")) GTEST_SKIP() << "fixtures predate the fleet reels";
  TempDir tmp;
  const auto& fleet = manifest()["fleet"];
  std::map<std::string, std::string> report_of; // fixture -> report path
  for (const auto& name : fleet["reels"]) {
    const std::string n = name.get<std::string>();
    const auto path = tmp / (n + ".json");
    const CliRun run = run_cli("verify " + bundle_arg(n) + key_arg(n) + kTrust +
                               " --quiet --json " + shell_quote(path.string()));
    ASSERT_EQ(run.exit_code, 0) << n << ": each reel is in order on its own\n" << run.err;
    report_of[n] = path.string();
  }
  auto arg = [&](const std::string& n) { return " " + shell_quote(report_of[n]); };

  const CliRun clean = run_cli("merge" + arg("fleet_a") + arg("fleet_b"));
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("VERDICT: OK"), std::string::npos) << clean.out;

  const auto json = tmp / "fleet.json";
  const auto csv = tmp / "fleet.csv";
  const CliRun run =
      run_cli("merge" + arg("fleet_a") + arg("fleet_b") + arg("fleet_c") + " --json " +
              shell_quote(json.string()) + " --csv " + shell_quote(csv.string()));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto summary = read_json(json);
  EXPECT_EQ(summary["schema"], "reelcheck-fleet");
  EXPECT_EQ(summary["verdict"], "failed");
  EXPECT_EQ(summary["totals"]["reels"], 3);
  EXPECT_EQ(summary["totals"]["chips"], 15);
  ASSERT_EQ(summary["duplicates"].size(), fleet["duplicates"].size()) << summary.dump(1);
  for (const auto& want : fleet["duplicates"]) {
    const auto found = std::find_if(summary["duplicates"].begin(), summary["duplicates"].end(),
                                    [&](const auto& d) { return d["kind"] == want["kind"]; });
    ASSERT_NE(found, summary["duplicates"].end()) << want.dump();
    if (want.contains("value")) {
      EXPECT_EQ((*found)["value"], want["value"]);
    }
    std::map<std::string, std::string> got; // report -> chip
    for (const auto& o : (*found)["occurrences"])
      got[o["report"].get<std::string>()] = o["chip_id"].get<std::string>();
    std::map<std::string, std::string> expected;
    for (const auto& [reel, chip_id] : want["chips"].items())
      expected[report_of[reel]] = chip_id.get<std::string>();
    EXPECT_EQ(got, expected) << want.dump();
  }
  const std::string csv_text = slurp(csv);
  EXPECT_EQ(line_count(csv_text), 4u) << "header + one row per reel";
  EXPECT_NE(csv_text.find(",R2400033,"), std::string::npos);
  EXPECT_NE(run.out.find("cross-reel duplicates: 3"), std::string::npos) << run.out;

  // A failed reel fails the fleet; an unreadable report is exit 2, whatever else is found.
  const auto mixed = tmp / "mixed.json";
  run_cli("verify " + bundle_arg("mixed") + key_arg("mixed") + kTrust + " --quiet --json " +
          shell_quote(mixed.string()));
  EXPECT_EQ(run_cli("merge" + arg("fleet_a") + " " + shell_quote(mixed.string())).exit_code, 1);
  write_file(tmp / "cut.json", slurp(report_of["fleet_b"]).substr(0, 300));
  const CliRun cut =
      run_cli("merge" + arg("fleet_a") + " " + shell_quote((tmp / "cut.json").string()));
  EXPECT_EQ(cut.exit_code, 2);
  EXPECT_NE(cut.out.find("cut.json"), std::string::npos) << cut.out;
  EXPECT_EQ(run_cli("merge " + shell_quote((tmp / "absent.json").string())).exit_code, 2);
}

TEST(Cli, FailuresAreGroupedByCauseWithAHintForAnUntrustedTestPki) {
  // The test PKI without --trust: every certificate fails for the same two unknown CAs.
  const CliRun run = run_cli("verify " + bundle_arg("clean_7z") + key_arg("clean_7z") +
                             " --at 2026-06-01T00:00:00Z");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("issuer_untrusted: 20 chips"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\u2026 and 15 more: see --json"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Is this a test PKI? add --trust"), std::string::npos) << run.out;
  EXPECT_LT(line_count(run.out), 20u) << "one cause, not three lines per chip";
  // Failures with real causes get no such hint.
  const CliRun mixed = run_cli("verify " + bundle_arg("mixed") + key_arg("mixed") + kTrust);
  EXPECT_EQ(mixed.out.find("hint:"), std::string::npos) << mixed.out;
  EXPECT_NE(mixed.out.find("signature_invalid: 1 chip"), std::string::npos) << mixed.out;
}

TEST(Cli, DuplicateKeyLinesNameBothLinesAndWhetherTheKeysDiffer) {
  const CliRun run =
      run_cli("verify " + bundle_arg("bad_key_lines") + key_arg("bad_key_lines") + kTrust);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("PBS_keys.txt:5: chip"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("appears on line 4 and again on line 5 with a different key"),
            std::string::npos)
      << run.out;
}

// ---------------------------------------------------------------- issue 16: station and after

namespace {

// A fixture certificate file (mixed_certs/, made by openssl) as DER, converted by openssl.
Bytes openssl_der(const std::string& pem_name, const TempDir& tmp) {
  const auto out = tmp / (pem_name + ".der");
  const int rc = run_shell("openssl x509 -in " + fixture_path("bundles/mixed_certs/" + pem_name) +
                           " -outform DER -out " + shell_quote(out.string()));
  if (rc != 0) throw std::runtime_error("openssl could not convert " + pem_name);
  return read_file(out);
}

// What openssl says the SHA-256 of a file is: the AWS IoT certificate ID of a DER certificate.
std::string openssl_sha256(const fs::path& file) {
  TempDir tmp;
  run_shell("openssl dgst -sha256 -r " + shell_quote(file.string()) + " > " +
            shell_quote((tmp / "d").string()));
  return slurp(tmp / "d").substr(0, 64);
}

std::string openssl_base64(const Bytes& data) {
  TempDir tmp;
  write_file(tmp / "in", view(data));
  run_shell("openssl base64 -A -in " + shell_quote((tmp / "in").string()) + " > " +
            shell_quote((tmp / "out").string()));
  return slurp(tmp / "out");
}

std::string hex_of(const Bytes& data) {
  std::string out;
  for (auto b : data)
    out += "0123456789abcdef"[b >> 4], out += "0123456789abcdef"[b & 15];
  return out;
}

// The slot's data object as a Trust M holds it: the 9-byte TLS identity header, then the DER.
Bytes with_tls_header(const Bytes& der) {
  const std::size_t n = der.size();
  Bytes out = {0xC0, std::uint8_t((n + 6) >> 8), std::uint8_t(n + 6),
               0,    std::uint8_t((n + 3) >> 8), std::uint8_t(n + 3),
               0,    std::uint8_t(n >> 8),       std::uint8_t(n)};
  out.insert(out.end(), der.begin(), der.end());
  return out;
}

std::string secret_row_of(const std::string& bundle, const std::string& chip) {
  const std::string csv =
      slurp(fixtures_dir() / bundle_entry(bundle)["secrets_file"].get<std::string>());
  const auto at = csv.find("\n" + chip + ",");
  if (at == std::string::npos) throw std::runtime_error("no secrets for " + chip);
  return csv.substr(at + 1, csv.find('\n', at + 1) - at - 1);
}

} // namespace

TEST(Cli, LookupReleasesSecretsOnlyWhenTheCertificateReadFromTheChipIsTheBundles) {
  TempDir tmp;
  const auto& sample = bundle_entry("mixed")["sample_uid"];
  const std::string uid = sample["uid"], chip = sample["chip_id"];
  const std::string other = "1122334455AA0012003F";
  ASSERT_EQ(bundle_entry("mixed")["expected"]["chips"][chip]["status"], "ok");
  const std::string row = secret_row_of("mixed", chip); // chip,PBS,auth
  const std::string pbs = row.substr(21, row.find(',', 21) - 21);
  const Bytes der = openssl_der(chip + "_E0E0.pem", tmp);
  const Bytes der_e0e1 = openssl_der(chip + "_E0E1.pem", tmp);
  const Bytes other_der = openssl_der(other + "_E0E0.pem", tmp);
  Bytes bad_header = with_tls_header(der);
  bad_header[5] ^= 0x01; // the certificate list length

  const std::string base = "lookup " + bundle_arg("mixed") + key_arg("mixed") + kTrust +
                           " --include-secrets --quiet --chips -";
  const std::string lines = uid + " " + hex_of(der) + "\n" + // bare DER, hex
                            uid + "," + openssl_base64(with_tls_header(der)) + "\n" + // base64
                            uid + " " + hex_of(other_der) + "\n" +  // another chip's
                            uid + " " + hex_of(bad_header) + "\n" + // inconsistent
                            uid + "\n";                             // no certificate
  const CliRun run = run_cli(base, "", lines);
  EXPECT_EQ(run.exit_code, 1) << "a mismatch is a finding\n" << run.err;
  const auto answers = json_lines(run.out);
  ASSERT_EQ(answers.size(), 5u) << run.out;
  for (int i : {0, 1}) {
    EXPECT_EQ(answers[i]["answer"], "found") << answers[i]["message"];
    EXPECT_EQ(answers[i]["certificate_checked"], true);
    EXPECT_EQ(answers[i]["chip"]["pbs"]["value"], pbs);
  }
  EXPECT_EQ(answers[2]["answer"], "certificate_mismatch");
  EXPECT_EQ(answers[2]["certificate_checked"], true);
  EXPECT_EQ(answers[2]["chip"]["chip_id"], chip);
  EXPECT_FALSE(answers[2]["chip"]["pbs"].contains("value"));
  EXPECT_EQ(answers[2].dump().find(pbs), std::string::npos) << "no secret on a mismatch";
  EXPECT_EQ(answers[3]["answer"], "malformed");
  EXPECT_EQ(answers[3]["certificate_checked"], false);
  EXPECT_NE(answers[3]["message"].get<std::string>().find("certificate list length"),
            std::string::npos)
      << answers[3]["message"];
  EXPECT_FALSE(answers[3].contains("chip"));
  EXPECT_EQ(answers[4]["answer"], "found");
  EXPECT_EQ(answers[4]["certificate_checked"], false) << "a UID alone works as before";
  EXPECT_EQ(answers[4]["chip"]["pbs"]["value"], pbs);

  // --slot: the station reads E0E1; the E0E0 certificate is then a mismatch.
  const CliRun e0e1 = run_cli(base + " --slot E0E1", "",
                              uid + " " + hex_of(der_e0e1) + "\n" + uid + " " + hex_of(der) + "\n");
  const auto slot_answers = json_lines(e0e1.out);
  ASSERT_EQ(slot_answers.size(), 2u) << e0e1.out << e0e1.err;
  EXPECT_EQ(slot_answers[0]["answer"], "found") << slot_answers[0]["message"];
  EXPECT_EQ(slot_answers[1]["answer"], "certificate_mismatch");

  // One --chip with --chip-cert: the text says so and holds no secret; --json gives the answer.
  const std::string one = "lookup " + bundle_arg("mixed") + key_arg("mixed") + kTrust +
                          " --include-secrets --chip " + uid + " --chip-cert ";
  const CliRun mismatch = run_cli(one + openssl_base64(other_der));
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_NE(mismatch.out.find("CERTIFICATE MISMATCH"), std::string::npos) << mismatch.out;
  EXPECT_NE(mismatch.out.find("Chip " + chip), std::string::npos);
  EXPECT_EQ(mismatch.out.find(pbs), std::string::npos);
  const CliRun match = run_cli(one + hex_of(with_tls_header(der)) + " --json -");
  EXPECT_EQ(match.exit_code, 0) << match.out << match.err;
  const auto answer = nlohmann::json::parse(match.out);
  EXPECT_EQ(answer["certificate_checked"], true);
  EXPECT_EQ(answer["chip"]["pbs"]["value"], pbs);
  // Command-line certificates are checked before the reel is: usage errors.
  EXPECT_EQ(run_cli(one + "3001").exit_code, 64);
  EXPECT_EQ(run_cli(one + hex_of(der) + " --chip " + other).exit_code, 64);
  EXPECT_EQ(run_cli(one + hex_of(der) + " --slot E0E3").exit_code, 64);
}

TEST(Cli, ReconcileDeactivatesNeverSeenCertificatesAndAlarmsOnForeignChips) {
  TempDir tmp;
  const auto report = tmp / "mixed.json";
  run_cli("verify " + bundle_arg("mixed") + key_arg("mixed") + kTrust + " --quiet --json " +
          shell_quote(report.string()));
  ASSERT_TRUE(fs::exists(report));
  const auto& chips = bundle_entry("mixed")["expected"]["chips"];
  const std::string uid = bundle_entry("mixed")["sample_uid"]["uid"];
  const std::vector<std::string> unused = {"1122334455AA0012003F", "1122334455AA00120040"};
  std::string seen = "# station 1\n\n" + uid + "\n"; // ...3E by its UID
  for (const auto& [id, _] : chips.items())
    if (id != "1122334455AA0012003E" && id != unused[0] && id != unused[1]) seen += id + "\n";
  write_file(tmp / "seen.txt", seen);
  const auto out = tmp / "out";
  const std::string base = "reconcile " + shell_quote(report.string()) + " --out " +
                           shell_quote(out.string()) + " --seen ";

  const CliRun clean = run_cli(base + shell_quote((tmp / "seen.txt").string()));
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("VERDICT: OK"), std::string::npos) << clean.out;
  // deactivate.sh: the three certificates of each never-seen chip, by AWS's certificate ID,
  // which openssl computes here from the fixture's certificate files.
  const std::string script = slurp(out / "deactivate.sh");
  std::size_t calls = 0;
  for (std::size_t at = script.find("\naws iot"); at != std::string::npos;
       at = script.find("\naws iot", at + 1))
    ++calls;
  EXPECT_EQ(calls, 6u) << script;
  for (const auto& chip : unused)
    for (const char* slot : {"E0E0", "E0E1", "E0E2"}) {
      const auto der = tmp / (chip + slot + ".der");
      write_file(der, view(openssl_der(chip + "_" + slot + ".pem", tmp)));
      EXPECT_NE(script.find("\naws iot update-certificate --certificate-id " + openssl_sha256(der) +
                            " --new-status INACTIVE"),
                std::string::npos)
          << chip << " " << slot << "\n"
          << script;
    }
  const std::string unused_csv = slurp(out / "unused.csv");
  EXPECT_EQ(line_count(unused_csv), 3u) << unused_csv;
  EXPECT_NE(unused_csv.find("\n" + unused[0] + ",ok,"), std::string::npos);
  EXPECT_EQ(slurp(out / "foreign.csv"), "chip_id,first_line,seen,times\n");
  EXPECT_EQ(read_json(out / "summary.json")["verdict"], "ok");

  // The script runs: a stand-in `aws` records each call; arguments go to every call.
  fs::create_directories(tmp / "bin");
  write_file(tmp / "bin/aws", "#!/bin/sh\necho \"$*\" >> \"$AWS_LOG\"\n");
  fs::permissions(tmp / "bin/aws", fs::perms::owner_all);
  const int ran = run_shell("AWS_LOG=" + shell_quote((tmp / "aws.log").string()) +
                            " PATH=" + shell_quote((tmp / "bin").string()) + ":$PATH sh " +
                            shell_quote((out / "deactivate.sh").string()) +
                            " --region eu-central-1 > /dev/null");
  EXPECT_EQ(ran, 0);
  const std::string log = slurp(tmp / "aws.log");
  EXPECT_EQ(line_count(log), 6u) << log;
  EXPECT_NE(log.find("iot update-certificate --certificate-id "), std::string::npos) << log;
  EXPECT_NE(log.find("--new-status INACTIVE --region eu-central-1\n"), std::string::npos) << log;

  // --slot E0E2: one certificate per never-seen chip.
  const CliRun one_slot =
      run_cli(base + shell_quote((tmp / "seen.txt").string()) + " --slot E0E2 --quiet");
  EXPECT_EQ(one_slot.exit_code, 0);
  EXPECT_EQ(read_json(out / "summary.json")["counts"]["certificates_to_deactivate"], 2);

  // A chip of another reel on the line: an alarm, loudly, and exit 1.
  const std::string foreign = bundle_entry("clean_7z")["sample_uid"]["chip_id"];
  write_file(tmp / "seen_foreign.txt", seen + foreign + "\n");
  const CliRun alarm = run_cli(base + shell_quote((tmp / "seen_foreign.txt").string()));
  EXPECT_EQ(alarm.exit_code, 1) << alarm.out << alarm.err;
  EXPECT_NE(alarm.err.find("ALARM"), std::string::npos) << alarm.err;
  EXPECT_NE(alarm.err.find(foreign), std::string::npos) << alarm.err;
  EXPECT_NE(slurp(out / "foreign.csv").find(foreign + ","), std::string::npos);
  EXPECT_EQ(read_json(out / "summary.json")["verdict"], "foreign_chips");

  // A malformed line might be a provisioned chip: reported, exit 2, and no deactivation list
  // (not even last run's).
  write_file(tmp / "seen_bad.txt", seen + "1122334455AA00\n");
  const CliRun bad = run_cli(base + shell_quote((tmp / "seen_bad.txt").string()));
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  const auto bad_line = std::count(seen.begin(), seen.end(), '\n') + 1;
  EXPECT_NE(bad.err.find("line " + std::to_string(bad_line)), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(out / "deactivate.sh"));
  EXPECT_EQ(read_json(out / "summary.json")["malformed_lines"][0]["text"], "1122334455AA00");

  // A seen list that names no chip would deactivate every certificate: refused the same way.
  write_file(out / "deactivate.sh", "stale");
  write_file(tmp / "seen_empty.txt", "# station 1\n\n");
  const CliRun empty = run_cli(base + shell_quote((tmp / "seen_empty.txt").string()));
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("names no chip"), std::string::npos) << empty.err;
  EXPECT_FALSE(fs::exists(out / "deactivate.sh"));

  // Unusable report, usage.
  write_file(tmp / "cut.json", slurp(report).substr(0, 400));
  const CliRun cut =
      run_cli("reconcile " + shell_quote((tmp / "cut.json").string()) + " --out " +
              shell_quote(out.string()) + " --seen " + shell_quote((tmp / "seen.txt").string()));
  EXPECT_EQ(cut.exit_code, 2);
  EXPECT_NE(cut.out.find("cut.json"), std::string::npos) << cut.out;
  EXPECT_EQ(run_cli("reconcile " + shell_quote(report.string()) + " --out x").exit_code, 64);
  // Standard input carries the seen list.
  EXPECT_EQ(run_cli(base + "- --quiet", "", seen).exit_code, 0);
}

// The one bundle nobody here made (Infineon's, published by Thingpress; its transport key is
// not public): the station's certificate check and the reconciliation work on it with
// --certs-only, with certificates taken out of it by 7zz and converted by openssl.
TEST(Cli, StationBindingAndReconcileOnTheRealBundleWithoutItsKey) {
  const fs::path bundle = fs::path(REELCHECK_REAL_BUNDLE_DIR) / "78211223032C7EFA_bundle.7z";
  if (!fs::exists(bundle)) GTEST_SKIP() << "the real bundle is not at " << bundle;
  TempDir tmp;
  const std::string real = shell_quote(bundle.string()) + " --certs-only --at 2026-06-01";
  const auto report_path = tmp / "real.json";
  ASSERT_EQ(
      run_cli("verify " + real + " --quiet --json " + shell_quote(report_path.string())).exit_code,
      0);
  const auto report = read_json(report_path);
  ASSERT_EQ(report["chips"].size(), 200u);
  const std::string a = report["chips"][0]["chip_id"], b = report["chips"][1]["chip_id"];

  // Each chip's E0E0 certificate, as the chip would give it: out of the bundle, to DER.
  const std::string q = shell_quote(tmp.path().string());
  ASSERT_EQ(run_shell("cd " + q + " && 7zz e -y " + shell_quote(bundle.string()) +
                      " '*_E0E0_Certs.7z' > /dev/null && 7zz e -y *_E0E0_Certs.7z " + a +
                      "_E0E0.pem " + b + "_E0E0.pem > /dev/null"),
            0);
  auto der_of = [&](const std::string& chip) {
    const std::string pem = shell_quote((tmp / (chip + "_E0E0.pem")).string());
    const std::string der = shell_quote((tmp / (chip + ".der")).string());
    EXPECT_EQ(run_shell("openssl x509 -in " + pem + " -outform DER -out " + der), 0);
    return read_file(tmp / (chip + ".der"));
  };
  const Bytes der_a = der_of(a), der_b = der_of(b);
  const std::string uid_a = "CD1633820100120005000A" + a + "8B1E53A0F10B";
  const CliRun lookup = run_cli("lookup " + real + " --quiet --chips -", "",
                                uid_a + " " + hex_of(with_tls_header(der_a)) + "\n" + uid_a + "," +
                                    openssl_base64(der_b) + "\n");
  EXPECT_EQ(lookup.exit_code, 1) << lookup.err;
  const auto answers = json_lines(lookup.out);
  ASSERT_EQ(answers.size(), 2u) << lookup.out << lookup.err;
  EXPECT_EQ(answers[0]["answer"], "found") << answers[0]["message"];
  EXPECT_EQ(answers[0]["certificate_checked"], true);
  EXPECT_EQ(answers[1]["answer"], "certificate_mismatch") << answers[1]["message"];

  // The line saw every chip but the first: its three certificates are to be deactivated, the
  // E0E0 one by the ID openssl gives its DER.
  std::string seen;
  for (std::size_t i = 1; i < 200; ++i)
    seen += report["chips"][i]["chip_id"].get<std::string>() + "\n";
  write_file(tmp / "seen.txt", seen);
  const CliRun reconcile = run_cli("reconcile " + shell_quote(report_path.string()) + " --seen " +
                                   shell_quote((tmp / "seen.txt").string()) + " --out " +
                                   shell_quote((tmp / "out").string()));
  EXPECT_EQ(reconcile.exit_code, 0) << reconcile.out << reconcile.err;
  const std::string script = slurp(tmp / "out/deactivate.sh");
  EXPECT_NE(script.find("# chip " + a + " (ok)\n"), std::string::npos) << script;
  EXPECT_NE(script.find("aws iot update-certificate --certificate-id " +
                        openssl_sha256(tmp / (a + ".der")) + " --new-status INACTIVE"),
            std::string::npos)
      << script;
  EXPECT_EQ(read_json(tmp / "out/summary.json")["counts"]["certificates_to_deactivate"], 3);
}

// On a terminal the key is asked for while the other threads already unpack and verify: their
// progress lines are never printed over the prompt, which starts its own line, and the run
// verifies with the key typed (here through a pseudo-terminal made by util-linux `script`).
TEST(Cli, TheKeyPromptIsNotOverwrittenByProgressWhileTheOtherThreadsWork) {
  if (run_shell("command -v script > /dev/null") != 0) GTEST_SKIP() << "no util-linux script";
  TempDir tmp("reelcheck-prompt");
  const fs::path typed = tmp / "typed.txt";
  const Bytes key = read_file(fixtures_dir() / bundle_entry("clean_7z")["key_file"].get<std::string>());
  write_file(typed, std::string(key.begin(), key.end()) + "\n");
  const fs::path out = tmp / "terminal.txt";
  const std::string verify = shell_quote(REELCHECK_CLI) + " verify " + bundle_arg("clean_7z") +
                             kTrust + " --jobs 2 --json " + shell_quote((tmp / "r.json").string());
  // The key is typed once the prompt shows, as a person does, however slow the machine: the
  // pseudo-terminal's input comes from a FIFO held open until then.
  const fs::path input = tmp / "keyboard";
  const std::string prompt_seen = "grep -q 'Transport key for' " + shell_quote(out.string());
  const int code = run_shell(
      "mkfifo " + shell_quote(input.string()) + " && { script -qec " + shell_quote(verify) +
      " /dev/null < " + shell_quote(input.string()) + " > " + shell_quote(out.string()) +
      " & } && exec 3> " + shell_quote(input.string()) + " && i=0 && until " + prompt_seen +
      "; do i=$((i+1)); [ $i -lt 1200 ] || break; sleep 0.1; done && cat " +
      shell_quote(typed.string()) + " >&3 && exec 3>&- && wait $!");
  EXPECT_EQ(code, 0);
  const std::string terminal = slurp(out);
  const std::string prompt = "Transport key for reel R2400017: ";
  const auto at = terminal.find(prompt);
  ASSERT_NE(at, std::string::npos) << terminal;
  EXPECT_TRUE(at == 0 || terminal.compare(at - 4, 4, "\r\033[K") == 0) << terminal.substr(0, at + 40);
  // Nothing between the prompt and the line end the terminal echoes for the typed key.
  const auto line_end = terminal.find_first_of("\r\n", at + prompt.size());
  EXPECT_EQ(line_end, at + prompt.size()) << terminal.substr(at, 80);
  EXPECT_TRUE(read_json(tmp / "r.json")["verdict"] == "ok");
}

// A .7z and a .zip of one reel on one command line are one reel, as on the page: one session
// reads both, one report says they are two copies (duplicate_bundle, a warning) and verifies
// the reel once. e2e/tests/page_findings.spec.mjs checks the page's report is this one, byte
// for byte.
TEST(CliReelGrouping, TheSevenZipAndTheZipOfOneReelAreOneReelVerifiedOnce) {
  TempDir tmp;
  const auto json = tmp / "report.json";
  const CliRun run = run_cli("verify " + bundle_arg("clean_7z") + " " + bundle_arg("clean_zip") +
                             key_arg("clean_7z") + kTrust + " --json " +
                             shell_quote(json.string()));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::size_t reels = 0;
  for (std::size_t at = run.out.find("Reel "); at != std::string::npos;
       at = run.out.find("\nReel ", at + 1))
    ++reels;
  EXPECT_EQ(reels, 1u) << run.out;
  const auto report = read_json(json);
  EXPECT_EQ(report["verdict"], "ok");
  EXPECT_EQ(report["counts"]["certificates"],
            bundle_entry("clean_7z").at("certificate_count").get<std::size_t>());
  ASSERT_EQ(report["findings"].size(), 1u) << report["findings"].dump();
  const auto& copies = report["findings"][0];
  EXPECT_EQ(copies["code"], "duplicate_bundle");
  EXPECT_EQ(copies["severity"], "warning");
  EXPECT_EQ(copies["message"], "clean.7z and clean.zip are two copies of one reel " +
                                   bundle_entry("clean_7z").at("reel_id").get<std::string>() +
                                   " (batch " +
                                   bundle_entry("clean_7z").at("batch_id").get<std::string>() +
                                   "): the same 4 archives; verified once");
}

// Different bytes under the same names stay an error: the bundle and a changed loose archive of
// its reel are one reel too, and it fails.
TEST(CliReelGrouping, ADifferentArchiveOfTheSameReelIsOneReelThatFails) {
  TempDir tmp;
  const auto& loose = bundle_entry("clean_loose")["files"];
  std::string e0e0;
  for (const auto& f : loose)
    if (f.get<std::string>().find("_E0E0_") != std::string::npos) e0e0 = f.get<std::string>();
  ASSERT_FALSE(e0e0.empty());
  Bytes changed = read_file(fixtures_dir() / e0e0);
  changed.push_back(0);
  const auto changed_path = tmp / fs::path(e0e0).filename();
  {
    std::ofstream out(changed_path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(changed.data()),
              static_cast<std::streamsize>(changed.size()));
  }
  const auto json = tmp / "report.json";
  const CliRun run = run_cli("verify " + bundle_arg("clean_7z") + " " +
                             shell_quote(changed_path.string()) + key_arg("clean_7z") + kTrust +
                             " --json " + shell_quote(json.string()));
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto report = read_json(json);
  EXPECT_EQ(report["verdict"], "failed");
  std::size_t copies = 0;
  for (const auto& f : report["findings"]) {
    if (f["code"] != "duplicate_bundle") continue;
    ++copies;
    EXPECT_EQ(f["severity"], "error");
    EXPECT_NE(f["message"].get<std::string>().find(
                  "but their archives differ; only clean.7z's were verified"),
              std::string::npos)
        << f.dump();
  }
  EXPECT_EQ(copies, 1u) << report["findings"].dump();
  EXPECT_EQ(run.out.find("stray_archive"), std::string::npos) << run.out;
}
