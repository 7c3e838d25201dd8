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
nlohmann::json read_json(const fs::path& p) {
  const Bytes b = read_file(p);
  return nlohmann::json::parse(b.begin(), b.end());
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
  for (const char* command : {"", "verify ", "lookup ", "merge ", "inspect "}) {
    const CliRun run = run_cli(std::string(command) + "--help");
    EXPECT_EQ(run.exit_code, 0) << command << run.err;
    EXPECT_NE(run.out.find("Usage:"), std::string::npos) << command << run.out;
  }
  const CliRun verify_help = run_cli("verify --help");
  EXPECT_NE(verify_help.out.find("--key-file"), std::string::npos);
  EXPECT_NE(run_cli("lookup --help").out.find("--chips"), std::string::npos);
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
