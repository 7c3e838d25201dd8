// The scale test: a full reel (4,100 chips with secrets + 60 extra, 12,480 certificates, with
// planted failures) through the CLI with all cores. Every chip's verdict must match.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <sstream>

#include "cli_runner.hpp"
#include "fixture_manifest.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

TEST(FullReel, EveryChipGetsTheRightVerdict) {
  if (!manifest().at("bundles").contains("big")) GTEST_SKIP() << "quick fixtures: no full reel";
  const auto& entry = bundle_entry("big");
  TempDir tmp("reelcheck-scale");
  const auto json_path = tmp / "big.json";
  const CliRun run = run_cli(
      "verify " + shell_quote((fixtures_dir() / entry.at("files")[0].get<std::string>()).string()) +
      " --key-file " +
      shell_quote((fixtures_dir() / entry.at("key_file").get<std::string>()).string()) +
      " --trust " + shell_quote((fixtures_dir() / "pki/trust.pem").string()) +
      " --no-default-trust --at 2026-06-01T00:00:00Z --json " + shell_quote(json_path.string()));
  EXPECT_EQ(run.exit_code, 1) << run.err; // planted failures
  const Bytes bytes = read_file(json_path);
  const auto report = nlohmann::json::parse(bytes.begin(), bytes.end());
  const auto& expected = entry.at("expected");
  EXPECT_EQ(report["counts"]["chips"], 4160);
  EXPECT_EQ(report["counts"]["certificates"], 12480);
  EXPECT_EQ(report["counts"]["ok"], expected["counts"]["ok"]);
  EXPECT_EQ(report["counts"]["failed"], expected["counts"]["failed"]);
  EXPECT_EQ(report["counts"]["extra"], expected["counts"]["extra"]);
  std::size_t compared = 0;
  for (const auto& chip : report["chips"]) {
    const std::string id = chip["chip_id"];
    ASSERT_TRUE(expected["chips"].contains(id)) << id;
    const auto& want = expected["chips"][id];
    EXPECT_EQ(chip["status"], want["status"]) << id;
    std::set<std::string> got, wanted;
    for (const auto& r : chip["reasons"])
      got.insert(r["code"].get<std::string>());
    for (const auto& r : want["reasons"])
      wanted.insert(r.get<std::string>());
    EXPECT_EQ(got, wanted) << id;
    ++compared;
  }
  EXPECT_EQ(compared, expected["chips"].size());
  EXPECT_NE(run.out.find("4091 ok, 9 failed, 60 extra"), std::string::npos) << run.out;
}

TEST(FullReel, ReportIsIdenticalWhateverTheThreadCount) {
  if (!manifest().at("bundles").contains("big")) GTEST_SKIP() << "quick fixtures: no full reel";
  const auto& entry = bundle_entry("big");
  TempDir tmp("reelcheck-scale");
  std::string outputs[2];
  const char* jobs[2] = {"1", "2"};
  for (int i = 0; i < 2; ++i) {
    const auto path = tmp / ("r" + std::to_string(i) + ".json");
    run_cli("verify " +
            shell_quote((fixtures_dir() / entry.at("files")[0].get<std::string>()).string()) +
            " --key-file " +
            shell_quote((fixtures_dir() / entry.at("key_file").get<std::string>()).string()) +
            " --trust " + shell_quote((fixtures_dir() / "pki/trust.pem").string()) +
            " --no-default-trust --at 2026-06-01T00:00:00Z --quiet --jobs " + jobs[i] + " --json " +
            shell_quote(path.string()));
    const Bytes b = read_file(path);
    outputs[i].assign(b.begin(), b.end());
  }
  EXPECT_GT(outputs[0].size(), 1000000u);
  EXPECT_EQ(outputs[0], outputs[1]);
}

// A provisioning station asks for every chip of the reel, one line each (chip IDs and 27-byte
// UIDs alternating), through one `lookup --chips`: the reel is verified once and every answer
// is the right chip with its status and secrets. (The cost compared with one `verify` is
// measured by bench/lookup.sh, not asserted here.)
TEST(FullReel, EveryChipAnsweredFromOneVerification) {
  if (!manifest().at("bundles").contains("big")) GTEST_SKIP() << "quick fixtures: no full reel";
  const auto& entry = bundle_entry("big");
  const auto& expected = entry.at("expected").at("chips");
  TempDir tmp("reelcheck-scale");
  std::ifstream secrets_csv(fixtures_dir() / entry.at("secrets_file").get<std::string>());
  std::vector<std::array<std::string, 3>> rows; // chip, PBS, authorization reference
  std::string line;
  std::getline(secrets_csv, line); // header
  while (std::getline(secrets_csv, line)) {
    std::array<std::string, 3> row;
    std::stringstream ss(line);
    for (auto& field : row)
      std::getline(ss, field, ',');
    rows.push_back(row);
  }
  ASSERT_EQ(rows.size(), 4100u);
  std::string queries;
  for (std::size_t i = 0; i < rows.size(); ++i)
    queries += (i % 2 == 0 ? rows[i][0]
                           : "CD163382010012000500"
                             "0A" +
                                 rows[i][0] + "8B1E53A0F10B") +
               "\n";
  write_file(tmp / "chips.txt", queries);
  const auto answers_path = tmp / "answers.jsonl";
  const CliRun run = run_cli(
      "lookup " + shell_quote((fixtures_dir() / entry.at("files")[0].get<std::string>()).string()) +
      " --key-file " +
      shell_quote((fixtures_dir() / entry.at("key_file").get<std::string>()).string()) +
      " --trust " + shell_quote((fixtures_dir() / "pki/trust.pem").string()) +
      " --no-default-trust --at 2026-06-01T00:00:00Z --include-secrets --chips " +
      shell_quote((tmp / "chips.txt").string()) + " --json " + shell_quote(answers_path.string()));
  EXPECT_EQ(run.exit_code, 1) << run.err; // some chips of the reel are planted failures
  std::ifstream answers(answers_path);
  std::size_t n = 0, failed = 0;
  for (; std::getline(answers, line); ++n) {
    ASSERT_LT(n, rows.size());
    const auto a = nlohmann::json::parse(line);
    const std::string& id = rows[n][0];
    ASSERT_EQ(a.at("answer"), "found") << line;
    EXPECT_EQ(a.at("chip_id"), id);
    const auto& chip = a.at("chip");
    EXPECT_EQ(chip.at("status"), expected.at(id).at("status")) << id;
    if (chip.at("status") == "failed") {
      ++failed;
      continue;
    }
    EXPECT_EQ(chip.at("pbs").at("value"), rows[n][1]) << id;
    EXPECT_EQ(chip.at("auth").at("value"), rows[n][2]) << id;
  }
  EXPECT_EQ(n, rows.size()) << "one answer per line asked";
  EXPECT_EQ(failed, entry.at("expected").at("counts").at("failed").get<std::size_t>());
}
