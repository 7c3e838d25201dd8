// The command line, parsed by CLI11: subcommands, --help on each (exit 0), --version, strict
// numbers and dates (a typo is exit 64, never a silent default), and no key on argv.
#pragma once

#include <optional>

#include "cli_options.hpp"

namespace reelcheck::cli {

// Fills `options`; returns an exit code when the program should stop here (help, version: 0;
// a usage error: 64, after a message on stderr).
std::optional<int> parse_command_line(int argc, char** argv, Options& options);

} // namespace reelcheck::cli
