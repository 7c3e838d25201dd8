// Small helpers shared by the unit tests: a temporary directory that removes itself, running a
// shell command (the tests drive the real 7zz/openssl), and files as bytes.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace reelcheck::test {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

inline std::span<const std::uint8_t> view(const Bytes& b) {
  return {b.data(), b.size()};
}
inline std::span<const std::uint8_t> view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// A fresh directory under $TMPDIR, removed with everything in it when the object goes away.
class TempDir {
public:
  explicit TempDir(std::string_view prefix = "reelcheck-test") {
    std::string pattern = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const fs::path& rel) const { return path_ / rel; }

private:
  fs::path path_;
};

// Runs `command` with /bin/sh; returns its exit status (-1 if it did not exit normally).
inline int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
}

// Quotes a path or word for run_shell.
inline std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (const char c : s)
    out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline Bytes read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const fs::path& path, std::span<const std::uint8_t> data) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}
inline void write_file(const fs::path& path, std::string_view text) {
  write_file(path, view(text));
}

} // namespace reelcheck::test
