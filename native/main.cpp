// reelcheck: verify OPTIGA Trust M Cloud ID bundle files from the command line.
// This file only wires things up: the command line (command_line.cpp), the key source, the
// trust store, then one command (command_*.cpp). The pipeline is the core's.
#include <unistd.h>

#include <iostream>
#include <optional>

#include "command_line.hpp"
#include "commands.hpp"
#include "heap_tuning.hpp"
#include "key_source.hpp"
#include "reel_verification.hpp"

using namespace reelcheck;
using namespace reelcheck::cli;

namespace {

int usage_error(const std::string& message) {
  std::cerr << "reelcheck: " << message << "\n";
  return kExitUsage;
}

} // namespace

int main(int argc, char** argv) {
  tune_heap_for_one_run();
  Options o;
  if (auto early = parse_command_line(argc, argv, o)) return *early;
  if (o.command == "merge") return run_merge(o);
  if (o.command == "reconcile") return run_reconcile(o);

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
  } else if (o.certs_only) {
    keys = KeySource::interactive(); // never asked: the keys archive is not opened
  } else {
    // Without a terminal the key is the first line of standard input; then it cannot also
    // carry the chips.
    if (o.chips_file == "-" && !isatty(STDIN_FILENO))
      return usage_error("with --chips -, standard input carries the chips: give the transport "
                         "key with --key-file or --key-env");
    keys = KeySource::interactive();
  }
  if (o.command == "export") return run_export(o, *keys, *trust);
  return o.command == "verify" ? run_verify(o, *keys, *trust) : run_lookup(o, *keys, *trust);
}
