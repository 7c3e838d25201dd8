// Reading the user's inputs: a bundle file, or a folder of inner archives.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "reelcheck/bundle.hpp"
#include "reelcheck/result.hpp"

namespace reelcheck::cli {

// The files of one bundle argument, owned; `inputs()` views them for the core.
struct LoadedInput {
  std::string display_name;
  std::vector<std::string> names;
  std::vector<std::vector<std::uint8_t>> contents;

  std::vector<InputFile> inputs() const;
};

Result<LoadedInput> load_bundle_argument(const std::filesystem::path& path,
                                         std::uint64_t max_input_size);
Result<std::vector<std::uint8_t>> read_file(const std::filesystem::path& path,
                                            std::uint64_t max_size);
bool write_file(const std::filesystem::path& path, std::string_view content, std::string& error);

} // namespace reelcheck::cli
