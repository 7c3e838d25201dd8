// What the command line asked for, after CLI11 has checked it (native/command_line.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reelcheck/certificate.hpp"

namespace reelcheck::cli {

// Exit codes (README "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUnusable = 2;
inline constexpr int kExitUsage = 64;

struct Options {
  std::string command; // verify, lookup, merge, inspect, export
  std::vector<std::string> inputs;
  std::optional<std::string> key_file, key_env, json_out, csv_out, chips_file;
  std::vector<std::string> chips; // lookup --chip, repeatable
  std::vector<std::string> trust_files;
  bool no_default_trust = false;
  bool include_secrets = false;
  bool certs_only = false; // verify the certificates without the transport key
  bool quiet = false;
  CheckTime at = 0;
  unsigned jobs = 1;
  // export
  std::string export_format, out_dir;
  Slot slot = Slot::kE0E0;
  bool include_extra = false;
  bool force = false;
};

} // namespace reelcheck::cli
