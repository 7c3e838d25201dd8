// Where results go: report files (one per reel in a batch), stdout, and the one-line message
// for an unusable input.
#pragma once

#include <optional>
#include <string>

#include "reelcheck/result.hpp"

namespace reelcheck::cli {

// Writes `content` to `target` ('-' = stdout; with several reels `target` is a folder and the
// file is named after the reel's input), then wipes it (it may hold secrets). False on failure.
bool emit(const std::optional<std::string>& target, const std::string& input_name,
          const char* extension, bool several, std::string_view content);

// "<input>: <message> [code]" on stdout, the message on stderr; returns the exit code 2.
int print_unusable(const std::string& input_name, const Error& error);

} // namespace reelcheck::cli
