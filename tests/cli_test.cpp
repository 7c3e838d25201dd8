// The native CLI as users and batch jobs drive it: exit codes, key sources, JSON/CSV output,
// lookup by chip ID and by coprocessor UID, batch runs, inspect.
#include <gtest/gtest.h>

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
  for (const char* name : {"truncated", "not_a_bundle", "crc_mismatch", "traversal"}) {
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
