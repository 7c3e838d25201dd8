// ZipReader: the outer bundle may be a .zip (stored or deflate). The reader trusts nothing in
// the file: every offset is bounds-checked, sizes are checked against Limits (and against what
// deflate can physically produce) before any memory is allocated, inflation never writes past
// the declared size, and every entry's CRC-32 is verified. The central directory is the
// authority (as in every mainstream unzip); each local header is cross-checked against it.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "archive/entry_name.hpp"
#include "reelcheck/archive.hpp"

namespace reelcheck {
namespace {

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kZip64LocatorSize = 20;
constexpr std::size_t kCentralSize = 46;
constexpr std::size_t kLocalSize = 30;
constexpr std::size_t kMaxCommentSize = 0xFFFF;

constexpr std::uint16_t kFlagEncrypted = 1u << 0;
constexpr std::uint16_t kFlagDataDescriptor = 1u << 3;
constexpr std::uint16_t kFlagStrongEncryption = 1u << 6;
constexpr std::uint16_t kMethodStored = 0;
constexpr std::uint16_t kMethodDeflate = 8;

// Deflate cannot expand better than ~1032:1 (a 258-byte match per ~2 bits). A declared size
// beyond that is a lie, and refusing it up front keeps allocations proportional to the input.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
constexpr std::uint64_t kDeflateSlack = 1024;

// Offsets are 64-bit (zip fields are) and always bounds-checked with fits() by the caller, so
// the narrowing to size_t is exact on 32-bit targets (wasm32) too.
std::uint16_t le16(ByteView d, std::uint64_t offset) {
  const auto at = static_cast<std::size_t>(offset);
  return static_cast<std::uint16_t>(d[at] | (d[at + 1] << 8));
}
std::uint32_t le32(ByteView d, std::uint64_t offset) {
  const auto at = static_cast<std::size_t>(offset);
  return static_cast<std::uint32_t>(d[at]) | (static_cast<std::uint32_t>(d[at + 1]) << 8) |
         (static_cast<std::uint32_t>(d[at + 2]) << 16) |
         (static_cast<std::uint32_t>(d[at + 3]) << 24);
}

// "256 MiB" rather than 268435456: limits are configured in those units.
std::string size_text(std::uint64_t bytes) {
  if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0)
    return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

// Names are shown in messages; keep them printable so a hostile name cannot mangle a terminal.
std::string printable(std::string_view raw) {
  std::string out;
  for (const char c : raw.substr(0, 200)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u != 0x7F ? c : '?');
  }
  if (raw.size() > 200) out += "...";
  return out;
}

struct CentralEntry {
  std::string name; // normalised
  std::uint16_t flags = 0;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint64_t packed_size = 0;
  std::uint64_t size = 0;
  std::uint64_t local_offset = 0;
  bool directory = false;
};

class ZipParser {
public:
  ZipParser(ByteView data, std::string_view archive_name, const Limits& limits)
      : data_(data), archive_(archive_name), limits_(limits) {}

  Result<std::vector<ArchiveEntry>> read() {
    auto central = read_central_directory();
    if (!central) return central.error();
    if (auto overlap = find_overlap(*central)) return *overlap;

    std::vector<ArchiveEntry> entries;
    entries.reserve(central->size());
    for (const CentralEntry& entry : *central) {
      if (entry.directory) continue;
      auto data = extract(entry);
      if (!data) return data.error();
      entries.push_back(ArchiveEntry{entry.name, std::move(*data)});
    }
    return entries;
  }

private:
  Error fail(ErrorCode code, const std::string& what) const {
    return make_error(code, std::string(archive_) + ": " + what);
  }

  // True if [at, at + length) lies inside the input; written to be overflow-free.
  bool fits(std::uint64_t at, std::uint64_t length) const {
    return at <= data_.size() && length <= data_.size() - at;
  }

  Result<std::size_t> find_end_record() const {
    if (data_.size() >= kEndSize) {
      // The record is 22 bytes plus a comment of at most 64 KiB: search no further back.
      const std::size_t last = data_.size() - kEndSize;
      const std::size_t first = last > kMaxCommentSize ? last - kMaxCommentSize : 0;
      for (std::size_t at = last + 1; at-- > first;) {
        // The comment must reach exactly to the end of the file; otherwise these four bytes
        // are just data that happens to look like the signature.
        if (le32(data_, at) == kEndSignature &&
            at + kEndSize + le16(data_, at + 20) == data_.size())
          return at;
      }
    }
    // No end record: a zip that starts like one was cut short; anything else is not a zip.
    if (data_.size() >= 4 && le32(data_, 0) == kLocalSignature)
      return fail(ErrorCode::kTruncated,
                  "the zip archive ends early (no end of central directory)");
    return fail(ErrorCode::kNotAnArchive, "not a zip archive (no end of central directory)");
  }

  Result<std::vector<CentralEntry>> read_central_directory() const {
    auto end_at = find_end_record();
    if (!end_at) return end_at.error();
    const std::size_t end = *end_at;
    const std::uint16_t disk = le16(data_, end + 4);
    const std::uint16_t cd_disk = le16(data_, end + 6);
    const std::uint16_t count_here = le16(data_, end + 8);
    const std::uint16_t count = le16(data_, end + 10);
    const std::uint32_t cd_size = le32(data_, end + 12);
    const std::uint32_t cd_offset = le32(data_, end + 16);

    const bool zip64_locator =
        end >= kZip64LocatorSize && le32(data_, end - kZip64LocatorSize) == kZip64LocatorSignature;
    if (zip64_locator || count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF)
      return fail(ErrorCode::kUnsupported, "zip64 archives are not supported");
    if (disk != 0 || cd_disk != 0 || count_here != count)
      return fail(ErrorCode::kUnsupported, "split (multi-volume) zip archives are not supported");
    if (count > limits_.max_entries)
      return fail(ErrorCode::kLimitExceeded, "the archive has " + std::to_string(count) +
                                                 " entries, more than the limit of " +
                                                 std::to_string(limits_.max_entries));
    if (static_cast<std::uint64_t>(cd_offset) + cd_size > end)
      return fail(ErrorCode::kCorrupt, "the central directory lies outside the archive");
    if (static_cast<std::uint64_t>(count) * kCentralSize > cd_size)
      return fail(ErrorCode::kCorrupt, "the central directory is too small for its entry count");

    std::vector<CentralEntry> entries;
    entries.reserve(count);
    std::uint64_t total = 0;
    std::size_t at = cd_offset;
    const std::size_t cd_end = static_cast<std::size_t>(cd_offset) + cd_size;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (at + kCentralSize > cd_end || le32(data_, at) != kCentralSignature)
        return fail(ErrorCode::kCorrupt,
                    "central directory entry " + std::to_string(i + 1) + " is damaged");
      CentralEntry e;
      e.flags = le16(data_, at + 8);
      e.method = le16(data_, at + 10);
      e.crc = le32(data_, at + 16);
      e.packed_size = le32(data_, at + 20);
      e.size = le32(data_, at + 24);
      const std::size_t name_len = le16(data_, at + 28);
      const std::size_t extra_len = le16(data_, at + 30);
      const std::size_t comment_len = le16(data_, at + 32);
      e.local_offset = le32(data_, at + 42);
      const std::size_t record = kCentralSize + name_len + extra_len + comment_len;
      if (at + record > cd_end)
        return fail(ErrorCode::kCorrupt, "central directory entry " + std::to_string(i + 1) +
                                             " runs past the directory");
      const std::string_view raw(reinterpret_cast<const char*>(data_.data() + at + kCentralSize),
                                 name_len);
      at += record;

      // Names are validated before anything else, directories included: a "../" directory
      // entry is as hostile as a "../" file.
      auto name = detail::normalise_entry_name(raw);
      if (!name)
        return fail(ErrorCode::kUnsafeName, "unsafe entry name \"" + printable(raw) + "\"");
      e.name = std::move(*name);
      e.directory = e.name.back() == '/';
      if (e.flags & (kFlagEncrypted | kFlagStrongEncryption))
        return fail(ErrorCode::kUnsupported,
                    "encrypted zip entries are not supported (entry " + e.name + ")");
      if (e.packed_size == 0xFFFFFFFF || e.size == 0xFFFFFFFF || e.local_offset == 0xFFFFFFFF)
        return fail(ErrorCode::kUnsupported,
                    "zip64 entries are not supported (entry " + e.name + ")");
      if (e.directory) {
        entries.push_back(std::move(e));
        continue;
      }
      if (e.method != kMethodStored && e.method != kMethodDeflate)
        return fail(ErrorCode::kUnsupported, "entry " + e.name + " uses compression method " +
                                                 std::to_string(e.method) +
                                                 "; only stored (0) and deflate (8) are supported");
      // Limits before allocation. The declared size is only a claim; extract() never lets the
      // output grow past it.
      if (e.size > limits_.max_entry_size)
        return fail(ErrorCode::kLimitExceeded, "entry " + e.name + " exceeds the " +
                                                   size_text(limits_.max_entry_size) + " limit");
      total += e.size;
      if (total > limits_.max_total_size)
        return fail(ErrorCode::kLimitExceeded, "entry " + e.name + " takes the archive past the " +
                                                   size_text(limits_.max_total_size) +
                                                   " total limit");
      if (e.method == kMethodStored && e.size != e.packed_size)
        return fail(ErrorCode::kCorrupt,
                    "stored entry " + e.name + " has different packed and unpacked sizes");
      if (e.method == kMethodDeflate && e.size > e.packed_size * kMaxDeflateRatio + kDeflateSlack)
        return fail(ErrorCode::kCorrupt,
                    "entry " + e.name + " claims a size deflate cannot produce");
      entries.push_back(std::move(e));
    }
    return entries;
  }

  // Entries whose data overlap are the trick behind "overlapping file" zip bombs; a genuine
  // archive never has them.
  std::optional<Error> find_overlap(const std::vector<CentralEntry>& entries) const {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans; // [local header, data end)
    for (const CentralEntry& e : entries) {
      if (!e.directory)
        spans.emplace_back(e.local_offset, e.local_offset + kLocalSize + e.packed_size);
    }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      if (spans[i].first < spans[i - 1].second)
        return fail(ErrorCode::kCorrupt, "entries overlap each other");
    }
    return std::nullopt;
  }

  Result<SecureBytes> extract(const CentralEntry& e) const {
    const std::uint64_t at = e.local_offset;
    if (!fits(at, kLocalSize))
      return fail(ErrorCode::kTruncated,
                  "the local header of entry " + e.name + " lies past the end");
    if (le32(data_, at) != kLocalSignature)
      return fail(ErrorCode::kCorrupt, "the local header of entry " + e.name + " is missing");
    const std::uint16_t flags = le16(data_, at + 6);
    const std::uint16_t method = le16(data_, at + 8);
    const std::size_t name_len = le16(data_, at + 26);
    const std::size_t extra_len = le16(data_, at + 28);
    if (!fits(at + kLocalSize, name_len + extra_len))
      return fail(ErrorCode::kTruncated, "the local header of entry " + e.name + " is cut short");
    // The local copy must describe the same entry: a reader that trusts only one of the two
    // can be shown a different file than other tools show (a known smuggling trick).
    const std::string_view local_name(reinterpret_cast<const char*>(data_.data() + at + kLocalSize),
                                      name_len);
    auto normalised = detail::normalise_entry_name(local_name);
    if (!normalised)
      return fail(ErrorCode::kUnsafeName, "unsafe entry name \"" + printable(local_name) + "\"");
    if (*normalised != e.name || method != e.method || (flags & kFlagEncrypted) != 0)
      return fail(ErrorCode::kCorrupt,
                  "the local header of entry " + e.name + " disagrees with the central directory");
    // With a data descriptor (bit 3) the local CRC and sizes may be zero: the central
    // directory's values are authoritative then.
    if (!(flags & kFlagDataDescriptor) &&
        (le32(data_, at + 14) != e.crc || !local_sizes_match(e, at, name_len, extra_len)))
      return fail(ErrorCode::kCorrupt,
                  "the local header of entry " + e.name + " disagrees with the central directory");
    const std::uint64_t start = at + kLocalSize + name_len + extra_len;
    if (!fits(start, e.packed_size))
      return fail(ErrorCode::kTruncated, "the data of entry " + e.name + " runs past the end");
    const ByteView packed =
        data_.subspan(static_cast<std::size_t>(start), static_cast<std::size_t>(e.packed_size));

    SecureBytes out;
    if (e.method == kMethodStored) {
      out.assign(packed.begin(), packed.end());
    } else {
      auto inflated = inflate_entry(e, packed);
      if (!inflated) return inflated.error();
      out = std::move(*inflated);
    }
    const auto crc = crc32_z(crc32_z(0, nullptr, 0), out.data(), out.size());
    if (crc != e.crc) return fail(ErrorCode::kCrcMismatch, "CRC mismatch in entry " + e.name);
    return out;
  }

  // Local sizes of 0xFFFFFFFF mean "see the zip64 extra field". 7-Zip writes that for data it
  // compresses from a stream (size unknown up front) even when the entry is small, while the
  // central directory holds plain 32-bit sizes: accept it when the values agree.
  bool local_sizes_match(const CentralEntry& e, std::uint64_t at, std::size_t name_len,
                         std::size_t extra_len) const {
    std::uint64_t packed = le32(data_, at + 18);
    std::uint64_t size = le32(data_, at + 22);
    if (packed == 0xFFFFFFFF || size == 0xFFFFFFFF) {
      std::size_t pos = static_cast<std::size_t>(at) + kLocalSize + name_len;
      const std::size_t end = pos + extra_len; // inside the input: checked by the caller
      bool found = false;
      while (!found && pos + 4 <= end) {
        const std::uint16_t id = le16(data_, pos);
        const std::size_t field_len = le16(data_, pos + 2);
        pos += 4;
        if (field_len > end - pos) return false;
        if (id == 0x0001) {
          // Only the fields whose 32-bit value is 0xFFFFFFFF are present, in this order.
          std::size_t field = pos;
          auto take = [&](std::uint64_t& value) {
            if (value != 0xFFFFFFFF) return true;
            if (field + 8 > pos + field_len) return false;
            value = le32(data_, field) | (static_cast<std::uint64_t>(le32(data_, field + 4)) << 32);
            field += 8;
            return true;
          };
          if (!take(size) || !take(packed)) return false;
          found = true;
        }
        pos += field_len;
      }
      if (!found) return false;
    }
    return packed == e.packed_size && size == e.size;
  }

  Result<SecureBytes> inflate_entry(const CentralEntry& e, ByteView packed) const {
    // Declared size already checked against the limits and the deflate ratio.
    SecureBytes out(static_cast<std::size_t>(e.size));
    std::uint8_t empty_target = 0; // zlib rejects a null next_out, even with avail_out == 0
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) // raw deflate: zip has no zlib header
      return fail(ErrorCode::kCorrupt, "cannot initialise inflate for entry " + e.name);
    // Frees zlib's state on every path out of this function.
    struct Guard {
      z_stream* z;
      ~Guard() { inflateEnd(z); }
    } guard{&z};

    z.next_in = const_cast<Bytef*>(packed.data()); // zlib's API is not const-correct
    z.avail_in = static_cast<uInt>(packed.size()); // < 4 GiB: zip64 is refused
    z.next_out = out.empty() ? &empty_target : out.data();
    z.avail_out = static_cast<uInt>(out.size()); // <= max_entry_size
    int rc = inflate(&z, Z_FINISH);
    if (rc == Z_BUF_ERROR && z.avail_out == 0) {
      // The buffer is full but the stream goes on: probe one byte to tell "exactly the
      // declared size" (the stream just lacks its end) from "more than declared".
      std::uint8_t probe = 0;
      z.next_out = &probe;
      z.avail_out = 1;
      rc = inflate(&z, Z_FINISH);
      if (z.avail_out == 0)
        return fail(ErrorCode::kCorrupt,
                    "entry " + e.name + " inflates to more than its declared size");
    }
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
      return fail(ErrorCode::kCorrupt, "the deflate data of entry " + e.name + " is damaged");
    if (rc != Z_STREAM_END)
      return fail(ErrorCode::kCorrupt, "the deflate data of entry " + e.name + " ends early");
    if (z.total_out != out.size())
      return fail(ErrorCode::kCorrupt,
                  "entry " + e.name + " inflates to less than its declared size");
    return out;
  }

  ByteView data_;
  std::string_view archive_;
  const Limits& limits_;
};

} // namespace

Result<std::vector<ArchiveEntry>> ZipReader::read(ByteView archive,
                                                  std::string_view archive_name) const {
  return ZipParser(archive, archive_name, limits_).read();
}

} // namespace reelcheck
