// ZipReader: the outer bundle may be a .zip (stored or deflate). The reader trusts nothing in
// the file: every offset is bounds-checked, sizes are checked against Limits (and against what
// deflate can physically produce) before any memory is allocated, inflation never writes past
// the declared size, and every entry's CRC-32 is verified. The central directory is the
// authority (as in every mainstream unzip); each local header is cross-checked against it.
// The parts: zip_central_directory, zip_extraction, zip_inflate (zip_format: what they share).
#include <string>
#include <utility>
#include <vector>

#include "archive/zip_central_directory.hpp"
#include "archive/zip_extraction.hpp"
#include "reelcheck/archive.hpp"

namespace reelcheck {

Result<std::vector<ArchiveEntry>> ZipReader::read(ByteView archive,
                                                  std::string_view archive_name) const {
  const detail::zip::ZipInput in{archive, archive_name};
  auto central = detail::zip::read_central_directory(in, limits_);
  if (!central) return central.error();
  if (auto overlap = detail::zip::find_overlap(in, *central)) return *overlap;

  std::vector<ArchiveEntry> entries;
  entries.reserve(central->size());
  for (const detail::zip::CentralEntry& entry : *central) {
    if (entry.directory) continue;
    auto data = detail::zip::extract_entry(in, entry);
    if (!data) return data.error();
    entries.push_back(ArchiveEntry{entry.name, std::move(*data)});
  }
  return entries;
}

Result<std::vector<std::string>> ZipReader::list(ByteView archive,
                                                  std::string_view archive_name) const {
  const detail::zip::ZipInput in{archive, archive_name};
  auto central = detail::zip::read_central_directory(in, limits_);
  if (!central) return central.error();
  std::vector<std::string> names;
  for (const detail::zip::CentralEntry& entry : *central)
    if (!entry.directory) names.push_back(entry.name);
  return names;
}

} // namespace reelcheck
