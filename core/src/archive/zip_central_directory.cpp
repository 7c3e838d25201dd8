// The central directory: the end record found from the back of the file, then every entry
// read, its name validated, and its sizes checked against Limits (and against what deflate can
// produce) before anything is allocated for it.
#include "archive/zip_central_directory.hpp"

#include <algorithm>
#include <utility>

#include "archive/entry_name.hpp"

namespace reelcheck::detail::zip {
namespace {

Result<std::size_t> find_end_record(const ZipInput& in) {
  if (in.data.size() >= kEndSize) {
    // The record is 22 bytes plus a comment of at most 64 KiB: search no further back.
    const std::size_t last = in.data.size() - kEndSize;
    const std::size_t first = last > kMaxCommentSize ? last - kMaxCommentSize : 0;
    for (std::size_t at = last + 1; at-- > first;) {
      // The comment must reach exactly to the end of the file; otherwise these four bytes
      // are just data that happens to look like the signature.
      if (load_le32(in.data, at) == kEndSignature &&
          at + kEndSize + load_le16(in.data, at + 20) == in.data.size())
        return at;
    }
  }
  // No end record: a zip that starts like one was cut short; anything else is not a zip.
  if (in.data.size() >= 4 && load_le32(in.data, 0) == kLocalSignature)
    return in.fail(ErrorCode::kTruncated,
                   "the zip archive ends early (no end of central directory)");
  return in.fail(ErrorCode::kNotAnArchive, "not a zip archive (no end of central directory)");
}

} // namespace

Result<std::vector<CentralEntry>> read_central_directory(const ZipInput& in, const Limits& limits) {
  auto end_at = find_end_record(in);
  if (!end_at) return end_at.error();
  const std::size_t end = *end_at;
  const std::uint16_t disk = load_le16(in.data, end + 4);
  const std::uint16_t cd_disk = load_le16(in.data, end + 6);
  const std::uint16_t count_here = load_le16(in.data, end + 8);
  const std::uint16_t count = load_le16(in.data, end + 10);
  const std::uint32_t cd_size = load_le32(in.data, end + 12);
  const std::uint32_t cd_offset = load_le32(in.data, end + 16);

  const bool zip64_locator = end >= kZip64LocatorSize &&
                             load_le32(in.data, end - kZip64LocatorSize) == kZip64LocatorSignature;
  if (zip64_locator || count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF)
    return in.fail(ErrorCode::kUnsupported, "zip64 archives are not supported");
  if (disk != 0 || cd_disk != 0 || count_here != count)
    return in.fail(ErrorCode::kUnsupported, "split (multi-volume) zip archives are not supported");
  if (count > limits.max_entries)
    return in.fail(ErrorCode::kLimitExceeded, "the archive has " + std::to_string(count) +
                                                  " entries, more than the limit of " +
                                                  std::to_string(limits.max_entries));
  if (static_cast<std::uint64_t>(cd_offset) + cd_size > end)
    return in.fail(ErrorCode::kCorrupt, "the central directory lies outside the archive");
  if (static_cast<std::uint64_t>(count) * kCentralSize > cd_size)
    return in.fail(ErrorCode::kCorrupt, "the central directory is too small for its entry count");

  std::vector<CentralEntry> entries;
  entries.reserve(count);
  std::uint64_t total = 0;
  std::size_t at = cd_offset;
  const std::size_t cd_end = static_cast<std::size_t>(cd_offset) + cd_size;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (at + kCentralSize > cd_end || load_le32(in.data, at) != kCentralSignature)
      return in.fail(ErrorCode::kCorrupt,
                     "central directory entry " + std::to_string(i + 1) + " is damaged");
    CentralEntry e;
    e.flags = load_le16(in.data, at + 8);
    e.method = load_le16(in.data, at + 10);
    e.crc = load_le32(in.data, at + 16);
    e.packed_size = load_le32(in.data, at + 20);
    e.size = load_le32(in.data, at + 24);
    const std::size_t name_len = load_le16(in.data, at + 28);
    const std::size_t extra_len = load_le16(in.data, at + 30);
    const std::size_t comment_len = load_le16(in.data, at + 32);
    e.local_offset = load_le32(in.data, at + 42);
    const std::size_t record = kCentralSize + name_len + extra_len + comment_len;
    if (at + record > cd_end)
      return in.fail(ErrorCode::kCorrupt, "central directory entry " + std::to_string(i + 1) +
                                              " runs past the directory");
    const std::string_view raw(reinterpret_cast<const char*>(in.data.data() + at + kCentralSize),
                               name_len);
    at += record;

    // Names are validated before anything else, directories included: a "../" directory
    // entry is as hostile as a "../" file.
    auto name = normalise_entry_name(raw);
    if (!name)
      return in.fail(ErrorCode::kUnsafeName,
                     "unsafe entry name \"" + printable(raw, kMaxNameChars) + "\"");
    e.name = std::move(*name);
    e.directory = e.name.back() == '/';
    if (e.flags & (kFlagEncrypted | kFlagStrongEncryption))
      return in.fail(ErrorCode::kUnsupported,
                     "encrypted zip entries are not supported (entry " + e.name + ")");
    if (e.packed_size == 0xFFFFFFFF || e.size == 0xFFFFFFFF || e.local_offset == 0xFFFFFFFF)
      return in.fail(ErrorCode::kUnsupported,
                     "zip64 entries are not supported (entry " + e.name + ")");
    if (e.directory) {
      entries.push_back(std::move(e));
      continue;
    }
    if (e.method != kMethodStored && e.method != kMethodDeflate)
      return in.fail(ErrorCode::kUnsupported,
                     "entry " + e.name + " uses compression method " + std::to_string(e.method) +
                         "; only stored (0) and deflate (8) are supported");
    // Limits before allocation. The declared size is only a claim; extract() never lets the
    // output grow past it.
    if (e.size > limits.max_entry_size)
      return in.fail(ErrorCode::kLimitExceeded, "entry " + e.name + " exceeds the " +
                                                    format_size(limits.max_entry_size) + " limit");
    total += e.size;
    if (total > limits.max_total_size)
      return in.fail(ErrorCode::kLimitExceeded, "entry " + e.name + " takes the archive past the " +
                                                    format_size(limits.max_total_size) +
                                                    " total limit");
    if (e.method == kMethodStored && e.size != e.packed_size)
      return in.fail(ErrorCode::kCorrupt,
                     "stored entry " + e.name + " has different packed and unpacked sizes");
    if (e.method == kMethodDeflate && e.size > e.packed_size * kMaxDeflateRatio + kDeflateSlack)
      return in.fail(ErrorCode::kCorrupt,
                     "entry " + e.name + " claims a size deflate cannot produce");
    entries.push_back(std::move(e));
  }
  return entries;
}

std::optional<Error> find_overlap(const ZipInput& in, const std::vector<CentralEntry>& entries) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans; // [local header, data end)
  for (const CentralEntry& e : entries) {
    if (!e.directory)
      spans.emplace_back(e.local_offset, e.local_offset + kLocalSize + e.packed_size);
  }
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].first < spans[i - 1].second)
      return in.fail(ErrorCode::kCorrupt, "entries overlap each other");
  }
  return std::nullopt;
}

} // namespace reelcheck::detail::zip
