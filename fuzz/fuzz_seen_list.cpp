// The station's list of the chips the line provisioned (reconcile's seen list): any bytes, one
// chip ID or UID a line. What parse_seen_list promises (reelcheck/reconcile.hpp): every line
// that is not blank or a comment is a chip or a malformed line, never skipped; a chip's ID is
// the bundle's spelling of what the line says; CRLF line ends read as LF. The reconciliation of
// the list with an empty reel (every chip foreign) and its files are made as well.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/reconcile.hpp"

namespace {

using namespace reelcheck;

constexpr std::size_t kEchoLimit = 200; // = reconcile.cpp's

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void check_echo(std::string_view text) {
  if (text.empty() || text.size() > kEchoLimit || text.front() == '#' || is_space(text.front()) ||
      text.find('\n') != std::string_view::npos)
    std::abort();
}

bool same(const SeenList& a, const SeenList& b) {
  if (a.chips.size() != b.chips.size() || a.malformed.size() != b.malformed.size()) return false;
  for (std::size_t i = 0; i < a.chips.size(); ++i)
    if (a.chips[i].line != b.chips[i].line || a.chips[i].text != b.chips[i].text ||
        a.chips[i].chip_id != b.chips[i].chip_id)
      return false;
  for (std::size_t i = 0; i < a.malformed.size(); ++i)
    if (a.malformed[i].line != b.malformed[i].line || a.malformed[i].text != b.malformed[i].text ||
        a.malformed[i].message != b.malformed[i].message)
      return false;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const SeenList list = parse_seen_list(text);
  const std::size_t lines =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;

  std::set<std::size_t> numbers; // a line is a chip, a malformed line or nothing
  std::size_t previous = 0;
  for (const SeenChip& c : list.chips) {
    if (c.line <= previous || c.line > lines || !numbers.insert(c.line).second) std::abort();
    previous = c.line;
    check_echo(c.text);
    const auto id = parse_chip_id(c.chip_id);
    if (!id || id->hex() != c.chip_id) std::abort(); // the bundle's spelling
    if (c.text.size() < kEchoLimit) {                // the whole line: it names this chip
      const auto again = parse_chip_lookup(c.text);
      if (!again || again->hex() != c.chip_id) std::abort();
    }
  }
  previous = 0;
  for (const SeenMalformedLine& m : list.malformed) {
    if (m.line <= previous || m.line > lines || !numbers.insert(m.line).second) std::abort();
    previous = m.line;
    check_echo(m.text);
    if (m.message.empty()) std::abort();
    if (m.text.size() < kEchoLimit && parse_chip_lookup(m.text)) std::abort();
  }

  // CRLF line ends read exactly as LF.
  std::string crlf;
  crlf.reserve(size + size / 8);
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  if (!same(parse_seen_list(crlf), list)) std::abort();

  // Against a reel without chips every chip is foreign, each named once.
  const Reconciliation r = reconcile("fuzz.json", ReportDigest{}, list, std::nullopt);
  std::set<std::string> distinct;
  for (const SeenChip& c : list.chips)
    distinct.insert(c.chip_id);
  if (r.foreign.size() != distinct.size() || r.counts.seen_chips != distinct.size() ||
      r.counts.seen_repeated != list.chips.size() - distinct.size() ||
      r.counts.seen_in_bundle != 0 || !r.unused.empty() ||
      r.counts.malformed_lines != list.malformed.size())
    std::abort();
  std::size_t times = 0;
  for (const ForeignChip& f : r.foreign)
    times += f.times;
  if (times != list.chips.size()) std::abort();
  const std::string summary = reconcile_summary_json(r);
  if (!nlohmann::json::accept(summary)) std::abort();
  (void)reconcile_foreign_csv(r);
  (void)reconcile_deactivate_script(r);
  return 0;
}
