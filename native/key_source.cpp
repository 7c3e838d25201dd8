#include "key_source.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

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

// Key material is read with read(2) straight into wiping buffers: an ifstream or stdio buffer
// would keep a copy of the key that nobody wipes.
constexpr std::size_t kMaxKeyFileSize = 1 << 20; // a key per line: 1 MiB is thousands of reels

// The whole of `fd`, up to the limit.
Result<SecureBytes> read_all(int fd, const std::string& what) {
  SecureBytes text;
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      if (text.size() >= kMaxKeyFileSize)
        return make_error(ErrorCode::kLimitExceeded, what + " is larger than 1 MiB");
      text.resize(std::max<std::size_t>(4096, text.size() * 2)); // the old buffer is wiped
    }
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::kBadInput,
                        "cannot read " + what + ": " + std::string(std::strerror(errno)));
    }
    used += static_cast<std::size_t>(n);
  }
  text.resize(used); // shrinking keeps the buffer; the tail is wiped with it later
  return text;
}

// One line from standard input, a byte at a time (so nothing beyond the line is consumed and
// no stdio buffer ever holds it).
SecureBytes read_line_no_echo(const char* prompt) {
  SecureBytes key;
  const bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    // Echo goes off (dropping any type-ahead) before the prompt shows, so nothing typed after
    // the prompt appears is ever discarded or echoed.
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::fputs(prompt, stderr);
    std::fflush(stderr);
  }
  key.reserve(256); // one allocation for any real key; growth beyond it wipes the old buffer
  for (;;) {
    std::uint8_t c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    key.push_back(c);
  }
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
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(ErrorCode::kBadInput,
                      "cannot read key file " + path + ": " + std::string(std::strerror(errno)));
  auto read = read_all(fd, "key file " + path);
  ::close(fd);
  if (!read) return read.error();
  const SecureBytes text = std::move(read).value();
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
  char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0')
    return make_error(ErrorCode::kBadInput, "environment variable " + variable + " is not set");
  KeySource source;
  const std::size_t size = std::strlen(value);
  source.entries_.push_back(Entry{"", SecureBytes(value, value + size)});
  // The environment's copy is overwritten where it lives (getenv points into it) and the
  // variable removed: child processes and later getenv calls see nothing of the key.
  secure_wipe(value, size);
  unsetenv(variable.c_str());
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
