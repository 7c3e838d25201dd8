#include "key_source.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace reelcheck::cli {
namespace {

bool is_space(std::uint8_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Splits secret text into lines without copying it into unwiped strings.
std::vector<SecureBytes> split_lines(const SecureBytes& text) {
  std::vector<SecureBytes> lines;
  SecureBytes current;
  for (std::uint8_t c : text) {
    if (c == '\n') {
      lines.push_back(std::move(current));
      current = SecureBytes{};
    } else if (c != '\r') {
      current.push_back(c);
    }
  }
  if (!current.empty()) lines.push_back(std::move(current));
  return lines;
}

SecureBytes read_line_no_echo(const char* prompt) {
  SecureBytes key;
  const bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::fputs(prompt, stderr);
    std::fflush(stderr);
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  for (int c; (c = std::getchar()) != EOF && c != '\n';)
    key.push_back(static_cast<std::uint8_t>(c));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fputc('\n', stderr);
  }
  while (!key.empty() && is_space(key.back()))
    key.pop_back();
  return key;
}

} // namespace

Result<KeySource> KeySource::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kBadInput, "cannot read key file " + path);
  SecureBytes text;
  for (std::istreambuf_iterator<char> it(in), end; it != end; ++it)
    text.push_back(static_cast<std::uint8_t>(*it));
  KeySource source;
  std::vector<SecureBytes> lines;
  for (auto& line : split_lines(text)) {
    while (!line.empty() && is_space(line.back()))
      line.pop_back();
    std::size_t start = 0;
    while (start < line.size() && is_space(line[start]))
      ++start;
    if (start == line.size() || line[start] == '#') continue;
    lines.emplace_back(line.begin() + static_cast<std::ptrdiff_t>(start), line.end());
  }
  if (lines.empty()) return make_error(ErrorCode::kBadInput, "key file " + path + " holds no key");
  if (lines.size() == 1) {
    // A single line is the key itself, spaces and all.
    source.entries_.push_back(Entry{"", std::move(lines.front())});
    return source;
  }
  for (auto& line : lines) {
    std::size_t split = 0;
    while (split < line.size() && !is_space(line[split]))
      ++split;
    std::size_t key_start = split;
    while (key_start < line.size() && is_space(line[key_start]))
      ++key_start;
    if (key_start == line.size())
      return make_error(ErrorCode::kBadInput,
                        "key file " + path +
                            ": with several lines, each must be '<reel ID> <key>'");
    source.entries_.push_back(
        Entry{std::string(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(split)),
              SecureBytes(line.begin() + static_cast<std::ptrdiff_t>(key_start), line.end())});
  }
  return source;
}

Result<KeySource> KeySource::from_env(const std::string& variable) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0')
    return make_error(ErrorCode::kBadInput, "environment variable " + variable + " is not set");
  KeySource source;
  const std::string_view v(value);
  source.entries_.push_back(Entry{"", SecureBytes(v.begin(), v.end())});
  return source;
}

KeySource KeySource::interactive() {
  KeySource source;
  source.interactive_ = true;
  return source;
}

SecureBytes KeySource::key_for(std::string_view reel_id, std::string_view bundle_name) {
  for (const auto& e : entries_)
    if (e.name.empty() || e.name == reel_id || e.name == bundle_name) return e.key;
  if (!interactive_) return {};
  const std::string prompt = "Transport key for reel " + std::string(reel_id) + ": ";
  SecureBytes key = read_line_no_echo(prompt.c_str());
  entries_.push_back(Entry{std::string(reel_id), key});
  return key;
}

} // namespace reelcheck::cli
