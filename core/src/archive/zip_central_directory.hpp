// Reading a zip's central directory: the list of entries every mainstream unzip treats as the
// authority, validated before any entry data is touched.
#pragma once

#include <optional>
#include <vector>

#include "archive/zip_format.hpp"

namespace reelcheck::detail::zip {

// Every entry, names normalised; errors: kNotAnArchive, kTruncated, kCorrupt, kUnsupported
// (zip64, multi-volume, encryption, methods other than stored/deflate), kLimitExceeded,
// kUnsafeName.
Result<std::vector<CentralEntry>> read_central_directory(const ZipInput& in, const Limits& limits);

// Entries whose data overlap are the trick behind "overlapping file" zip bombs; a genuine
// archive never has them.
std::optional<Error> find_overlap(const ZipInput& in, const std::vector<CentralEntry>& entries);

} // namespace reelcheck::detail::zip
