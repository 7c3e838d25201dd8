// A minimal ZIP writer (APPNOTE 6.3): stored entries only, so the archive is the files
// themselves plus headers, and any unzip can open it. The page offers an export as one
// download; the CLI never needs it. CRC-32 comes from zlib, which the archive reader uses too.
#include <zlib.h>

#include <limits>

#include "reelcheck/export.hpp"
#include "util/civil_time.hpp"

namespace reelcheck {
namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint32_t kCentralHeader = 0x02014b50;
constexpr std::uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr std::uint16_t kVersionNeeded = 10;              // 1.0: stored entries
constexpr std::uint16_t kVersionMadeBy = (3u << 8) | 20u; // Unix, spec 2.0: modes are read
constexpr std::uint16_t kFlagUtf8Names = 1u << 11;

void put16(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

// MS-DOS date and time (local time by the format; we write UTC, as the report does).
std::pair<std::uint16_t, std::uint16_t> dos_date_time(CheckTime t) {
  const detail::CivilTime c = detail::civil_from_seconds(t);
  if (c.year < 1980) return {(0u << 9) | (1u << 5) | 1u, 0}; // 1980-01-01 00:00, the floor
  const unsigned year = static_cast<unsigned>(std::min(c.year, 2107) - 1980);
  const auto date = static_cast<std::uint16_t>((year << 9) | (static_cast<unsigned>(c.month) << 5) |
                                               static_cast<unsigned>(c.day));
  const auto time = static_cast<std::uint16_t>((static_cast<unsigned>(c.hour) << 11) |
                                               (static_cast<unsigned>(c.minute) << 5) |
                                               (static_cast<unsigned>(c.second) / 2));
  return {date, time};
}

bool safe_entry_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  for (char c : name)
    if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

} // namespace

Result<std::vector<std::uint8_t>> write_zip(std::span<const ExportedFile> files,
                                            CheckTime modified) {
  if (files.size() > 0xFFFF)
    return make_error(ErrorCode::kLimitExceeded, "cannot write a ZIP of " +
                                                     std::to_string(files.size()) +
                                                     " files: at most 65,535 without ZIP64");
  const auto [date, time] = dos_date_time(modified);
  std::vector<std::uint8_t> out, central;
  std::uint64_t total = 0;
  for (const auto& f : files)
    total += 30 + 46 + 2 * f.name.size() + f.bytes.size();
  if (total + 22 > std::numeric_limits<std::uint32_t>::max())
    return make_error(ErrorCode::kLimitExceeded, "cannot write a ZIP over 4 GiB without ZIP64");
  out.reserve(static_cast<std::size_t>(total + 22));
  for (const auto& f : files) {
    if (!safe_entry_name(f.name) || f.name.size() > 0xFFFF)
      return make_error(ErrorCode::kUnsafeName, "cannot put '" + f.name + "' into a ZIP");
    bool ascii = true;
    for (char c : f.name)
      ascii &= static_cast<unsigned char>(c) < 0x80;
    const std::uint16_t flags = ascii ? 0 : kFlagUtf8Names;
    const auto crc = static_cast<std::uint32_t>(
        crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(f.bytes.data()),
              static_cast<uInt>(f.bytes.size())));
    const auto size = static_cast<std::uint32_t>(f.bytes.size());
    const auto offset = static_cast<std::uint32_t>(out.size());
    const auto name_size = static_cast<std::uint16_t>(f.name.size());

    put32(out, kLocalHeader);
    put16(out, kVersionNeeded);
    put16(out, flags);
    put16(out, 0); // stored
    put16(out, time);
    put16(out, date);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, name_size);
    put16(out, 0); // no extra field
    out.insert(out.end(), f.name.begin(), f.name.end());
    out.insert(out.end(), f.bytes.begin(), f.bytes.end());

    const std::uint32_t mode = f.executable ? 0100755u : 0100644u;
    put32(central, kCentralHeader);
    put16(central, kVersionMadeBy);
    put16(central, kVersionNeeded);
    put16(central, flags);
    put16(central, 0);
    put16(central, time);
    put16(central, date);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, name_size);
    put16(central, 0); // extra
    put16(central, 0); // comment
    put16(central, 0); // disk
    put16(central, 0); // internal attributes
    put32(central, mode << 16);
    put32(central, offset);
    central.insert(central.end(), f.name.begin(), f.name.end());
  }
  const auto central_offset = static_cast<std::uint32_t>(out.size());
  const auto central_size = static_cast<std::uint32_t>(central.size());
  out.insert(out.end(), central.begin(), central.end());
  put32(out, kEndOfCentralDirectory);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(files.size()));
  put16(out, static_cast<std::uint32_t>(files.size()));
  put32(out, central_size);
  put32(out, central_offset);
  put16(out, 0); // comment
  return out;
}

} // namespace reelcheck
