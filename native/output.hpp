// Where results go: report files (one per reel in a batch), stdout, and the one-line message
// for an unusable input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reelcheck/result.hpp"

namespace reelcheck::cli {

// Writes `content` to `target` ('-' = stdout; with several reels `target` is a folder and the
// file is named after the reel's input), then wipes it (it may hold secrets). False on failure.
bool emit(const std::optional<std::string>& target, const std::string& input_name,
          const char* extension, bool several, std::string_view content);
// The same, rendering the content only when there is a target: a reel's JSON is 13 MB on a
// full reel, and nobody asked for it when `target` is empty.
template <class Render>
bool emit_rendered(const std::optional<std::string>& target, const std::string& input_name,
                   const char* extension, bool several, Render&& render) {
  return !target || emit(target, input_name, extension, several, render());
}

// "<input>: <message> [code]" on stdout, the message on stderr; returns the exit code 2.
int print_unusable(const std::string& input_name, const Error& error);

} // namespace reelcheck::cli
