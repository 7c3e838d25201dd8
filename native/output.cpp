#include "output.hpp"

#include <filesystem>
#include <iostream>

#include "cli_options.hpp"
#include "file_io.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::cli {
namespace {

namespace fs = std::filesystem;

// "verify a.7z b.7z --json out/" -> out/a.json, out/b.json
fs::path output_path(const std::string& out, const std::string& input, const char* extension,
                     bool several) {
  if (!several) return out;
  fs::path name = fs::path(input).filename();
  if (name.empty()) name = fs::path(input).parent_path().filename();
  name.replace_extension(extension);
  return fs::path(out) / name;
}

} // namespace

bool emit(const std::optional<std::string>& target, const std::string& input_name,
          const char* extension, bool several, std::string_view content) {
  if (!target) return true;
  bool ok = true;
  if (*target == "-") {
    std::cout << content << std::flush;
  } else {
    const fs::path path = output_path(*target, input_name, extension, several);
    std::error_code ec;
    if (several) fs::create_directories(path.parent_path(), ec);
    std::string error;
    if (!write_file(path, content, error)) {
      std::cerr << "reelcheck: cannot write " << error << "\n";
      ok = false;
    }
  }
  return ok; // the caller's buffer wipes itself (SecureString)
}

int print_unusable(const std::string& input_name, const Error& e) {
  std::cout << input_name << ": " << e.message << " [" << error_code_name(e.code) << "]\n";
  std::cerr << "reelcheck: " << input_name << ": " << e.message << "\n";
  return kExitUnusable;
}

} // namespace reelcheck::cli
