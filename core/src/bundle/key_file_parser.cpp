#include <algorithm>
#include <string>
#include <unordered_map>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/key_file.hpp"
#include "util/hex.hpp"

namespace reelcheck {
namespace {

bool is_separator(char c) {
  return c == ',' || c == ';' || c == '\t' || c == ' ';
}

std::string_view trim_separators(std::string_view s) {
  while (!s.empty() && (is_separator(s.front()) || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (is_separator(s.back()) || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Strips quotes and a "0x" prefix; the result views the (secret) input, never a copy.
std::string_view unwrap_field(std::string_view f) {
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
  if (f.size() >= 2 && f[0] == '0' && (f[1] == 'x' || f[1] == 'X')) f.remove_prefix(2);
  return f;
}

bool all_hex(std::string_view s) {
  for (char c : s)
    if (detail::hex_digit_value(c) < 0) return false;
  return !s.empty();
}

// One non-empty line of a key file, into `result` (a record, or a finding). Never inlined into
// parse(), which runs once per key file: in the page V8 optimises a function whose loops have
// run long, in the background while the run goes on, and a large function that runs once would
// be compiled for nothing (docs/performance.md, "The first run on a fresh page").
[[gnu::noinline]] void parse_line(KeyFile& result,
                                  std::unordered_map<std::string, std::size_t>& seen,
                                  bool& seen_content, std::string_view line, std::uint32_t line_no,
                                  std::size_t expected_key_size) {
  auto add_finding = [&](FindingCode code, std::string chip, std::string message) {
    result.findings.push_back(
        Finding{Severity::kError, code, result.name, line_no, std::move(chip), std::move(message)});
  };

  std::string_view fields[3];
  std::size_t count = 0;
  for (std::string_view rest = line; !rest.empty();) {
    std::size_t end = 0;
    while (end < rest.size() && !is_separator(rest[end]))
      ++end;
    if (count < 3) fields[count] = unwrap_field(rest.substr(0, end));
    ++count;
    rest = trim_separators(rest.substr(end));
  }

  const bool first_content = !seen_content;
  seen_content = true;
  if (first_content && !all_hex(fields[0])) { // a header line such as "chipID,PBS"
    result.findings.push_back(Finding{Severity::kInfo, FindingCode::kHeaderLine, result.name,
                                      line_no, "", "first line read as a column header"});
    return;
  }

  if (line.find('\0') != std::string_view::npos || count != 2) {
    add_finding(FindingCode::kBadKeyLine, "",
                "expected two fields (chip ID and key), found " + std::to_string(count));
    return;
  }
  const auto chip = parse_chip_id(fields[0]);
  if (!chip) {
    std::string why = all_hex(fields[0]) ? "chip ID has " + std::to_string(fields[0].size()) +
                                               " hex digits, expected 20 (10 bytes)"
                                         : "chip ID is not hexadecimal";
    add_finding(FindingCode::kBadKeyLine, "", std::move(why));
    return;
  }
  std::string chip_id = chip->hex();
  auto key = all_hex(fields[1]) ? detail::decode_hex(fields[1]) : std::nullopt;
  if (!key) {
    add_finding(FindingCode::kBadKeyLine, chip_id, "key is not a hexadecimal byte string");
    return;
  }
  if (key->size() != expected_key_size) {
    add_finding(FindingCode::kBadKeyLine, chip_id,
                "key is " + std::to_string(key->size()) + " bytes, expected " +
                    std::to_string(expected_key_size));
    return;
  }
  if (auto first = seen.find(chip_id); first != seen.end()) {
    // Name both lines, and say whether the keys differ (two different secrets for one chip
    // is worse than a repeated line), without ever printing a key.
    const KeyRecord& kept = result.records[first->second];
    const bool same_key = kept.key == *key;
    add_finding(FindingCode::kDuplicateChip, chip_id,
                "chip " + chip_id + " appears on line " + std::to_string(kept.line) +
                    " and again on line " + std::to_string(line_no) +
                    (same_key ? " with the same key" : " with a different key") +
                    "; the first record (line " + std::to_string(kept.line) + ") is kept");
    return;
  }
  seen.emplace(chip_id, result.records.size());
  result.records.push_back(KeyRecord{std::move(chip_id), std::move(*key), line_no});
}

// More chips than any reel holds (a reel is a few thousand).
constexpr std::size_t kReservedRecords = 1 << 16;

} // namespace

KeyFile KeyFileParser::parse(ByteView text_bytes, std::string_view file_name) const {
  KeyFile result;
  result.name = std::string(file_name);
  std::string_view text(reinterpret_cast<const char*>(text_bytes.data()), text_bytes.size());
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  std::unordered_map<std::string, std::size_t> seen; // chip ID -> index of its first record
  // A record per line, sized once: a reel's key file has thousands of lines, and growing the
  // vector moved every record so far each time. Capped, so that a file of blank lines reserves
  // no more than a large reel needs.
  const auto lines = std::min<std::size_t>(
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1, kReservedRecords);
  result.records.reserve(lines);
  seen.reserve(lines);
  bool seen_content = false;
  std::uint32_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto eol = text.find('\n');
    std::string_view line = trim_separators(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (!line.empty()) parse_line(result, seen, seen_content, line, line_no, expected_key_size_);
  }
  return result;
}

} // namespace reelcheck
