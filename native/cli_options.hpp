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
  std::string command; // verify, lookup, merge, inspect, reconcile, export
  std::vector<std::string> inputs;
  std::optional<std::string> key_file, key_env, json_out, csv_out, chips_file;
  std::vector<std::string> chips;      // lookup --chip, repeatable
  std::vector<std::string> chip_certs; // lookup --chip-cert, one per --chip, in the same order
  // lookup: the slot whose certificate the station reads (default E0E0); export: the slot whose
  // certificates are registered (default E0E0); reconcile: the one slot whose certificates to
  // deactivate (default: every slot).
  std::optional<Slot> slot;
  std::optional<std::string> seen_file, out_dir; // reconcile --seen; reconcile and export --out
  std::vector<std::string> trust_files;
  bool no_default_trust = false;
  bool include_secrets = false;
  bool certs_only = false; // verify the certificates without the transport key
  bool quiet = false;
  CheckTime at = 0;
  unsigned jobs = 1;
  // export
  std::string export_format;
  bool include_extra = false;
  bool force = false;
};

} // namespace reelcheck::cli
