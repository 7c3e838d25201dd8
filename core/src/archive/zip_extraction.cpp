// Extraction of one entry: its local header is cross-checked against the central directory
// entry, the data is copied (stored) or inflated (deflate), and the CRC-32 must match.
#include "archive/zip_extraction.hpp"

#include <zlib.h>

#include "archive/entry_name.hpp"
#include "archive/zip_inflate.hpp"

namespace reelcheck::detail::zip {
namespace {

// Local sizes of 0xFFFFFFFF mean "see the zip64 extra field". 7-Zip writes that for data it
// compresses from a stream (size unknown up front) even when the entry is small, while the
// central directory holds plain 32-bit sizes: accept it when the values agree.
bool local_sizes_match(const ZipInput& in, const CentralEntry& e, std::uint64_t at,
                       std::size_t name_len, std::size_t extra_len) {
  std::uint64_t packed = load_le32(in.data, at + 18);
  std::uint64_t size = load_le32(in.data, at + 22);
  if (packed == 0xFFFFFFFF || size == 0xFFFFFFFF) {
    std::size_t pos = static_cast<std::size_t>(at) + kLocalSize + name_len;
    const std::size_t end = pos + extra_len; // inside the input: checked by the caller
    bool found = false;
    while (!found && pos + 4 <= end) {
      const std::uint16_t id = load_le16(in.data, pos);
      const std::size_t field_len = load_le16(in.data, pos + 2);
      pos += 4;
      if (field_len > end - pos) return false;
      if (id == 0x0001) {
        // Only the fields whose 32-bit value is 0xFFFFFFFF are present, in this order.
        std::size_t field = pos;
        auto take = [&](std::uint64_t& value) {
          if (value != 0xFFFFFFFF) return true;
          if (field + 8 > pos + field_len) return false;
          value = load_le64(in.data, field);
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

} // namespace

Result<SecureBytes> extract_entry(const ZipInput& in, const CentralEntry& e) {
  const std::uint64_t at = e.local_offset;
  if (!in.fits(at, kLocalSize))
    return in.fail(ErrorCode::kTruncated,
                   "the local header of entry " + e.name + " lies past the end");
  if (load_le32(in.data, at) != kLocalSignature)
    return in.fail(ErrorCode::kCorrupt, "the local header of entry " + e.name + " is missing");
  const std::uint16_t flags = load_le16(in.data, at + 6);
  const std::uint16_t method = load_le16(in.data, at + 8);
  const std::size_t name_len = load_le16(in.data, at + 26);
  const std::size_t extra_len = load_le16(in.data, at + 28);
  if (!in.fits(at + kLocalSize, name_len + extra_len))
    return in.fail(ErrorCode::kTruncated, "the local header of entry " + e.name + " is cut short");
  // The local copy must describe the same entry: a reader that trusts only one of the two
  // can be shown a different file than other tools show (a known smuggling trick).
  const std::string_view local_name(reinterpret_cast<const char*>(in.data.data() + at + kLocalSize),
                                    name_len);
  auto normalised = normalise_entry_name(local_name);
  if (!normalised)
    return in.fail(ErrorCode::kUnsafeName,
                   "unsafe entry name \"" + printable(local_name, kMaxNameChars) + "\"");
  if (*normalised != e.name || method != e.method || (flags & kFlagEncrypted) != 0)
    return in.fail(ErrorCode::kCorrupt,
                   "the local header of entry " + e.name + " disagrees with the central directory");
  // With a data descriptor (bit 3) the local CRC and sizes may be zero: the central
  // directory's values are authoritative then.
  if (!(flags & kFlagDataDescriptor) &&
      (load_le32(in.data, at + 14) != e.crc || !local_sizes_match(in, e, at, name_len, extra_len)))
    return in.fail(ErrorCode::kCorrupt,
                   "the local header of entry " + e.name + " disagrees with the central directory");
  const std::uint64_t start = at + kLocalSize + name_len + extra_len;
  if (!in.fits(start, e.packed_size))
    return in.fail(ErrorCode::kTruncated, "the data of entry " + e.name + " runs past the end");
  const ByteView packed =
      in.data.subspan(static_cast<std::size_t>(start), static_cast<std::size_t>(e.packed_size));

  SecureBytes out;
  if (e.method == kMethodStored) {
    out.assign(packed.begin(), packed.end());
  } else {
    auto inflated = inflate_entry(in, e, packed);
    if (!inflated) return inflated.error();
    out = std::move(*inflated);
  }
  const auto crc = crc32_z(crc32_z(0, nullptr, 0), out.data(), out.size());
  if (crc != e.crc) return in.fail(ErrorCode::kCrcMismatch, "CRC mismatch in entry " + e.name);
  return out;
}

} // namespace reelcheck::detail::zip
