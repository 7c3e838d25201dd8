// Runs the real `reelcheck` binary the way a user or a batch job would, capturing stdout.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace reelcheck::test {

struct CliRun {
  int exit_code = -1;
  std::string out; // stdout
  std::string err; // stderr
};

// `args` is appended to the binary path as shell words (quote paths with shell_quote).
inline CliRun run_cli(const std::string& args, const std::string& env = "",
                      const std::string& stdin_text = "") {
  TempDir tmp("reelcheck-cli");
  const auto out = tmp / "out.txt";
  const auto err = tmp / "err.txt";
  std::string cmd = env + (env.empty() ? "" : " ") + shell_quote(REELCHECK_CLI) + " " + args;
  if (!stdin_text.empty()) {
    write_file(tmp / "in.txt", stdin_text);
    cmd += " < " + shell_quote((tmp / "in.txt").string());
  } else {
    cmd += " < /dev/null";
  }
  cmd += " > " + shell_quote(out.string()) + " 2> " + shell_quote(err.string());
  CliRun run;
  run.exit_code = run_shell(cmd);
  const Bytes o = read_file(out), e = read_file(err);
  run.out.assign(o.begin(), o.end());
  run.err.assign(e.begin(), e.end());
  return run;
}

// A JSON file the CLI wrote (a report, a fleet summary).
inline nlohmann::json read_json(const fs::path& p) {
  const Bytes b = read_file(p);
  return nlohmann::json::parse(b.begin(), b.end());
}

} // namespace reelcheck::test
