// CRC fix-ups for the fuzz targets, as OSS-Fuzz projects do it, but outside the library: a
// mutated 7z or zip almost always fails a CRC before its header is parsed (the 7z next-header
// CRC covers the whole header, the start-header CRC covers its pointer), so the parsers would
// see little but the seeds. Each target copies its input and recomputes those CRCs first.
//
// Why here and not FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION in the readers: the suite's
// sanitizer build links its fuzz smoke targets and its unit tests against one core library
// (REELCHECK_FUZZ_SMOKE), so a define would either weaken the tests' core or cost a second core
// build; and a library that can skip CRCs can be built that way by mistake, where the CRC of an
// AES folder is what detects a wrong transport key. Fixed up here, every build of the library
// checks every CRC; tests/seven_zip_reader_test.cpp and zip_reader_test.cpp show it ("every CRC
// is checked").
//
// What stays checked even in the targets: the CRCs of 7z data (folders and their streams, the
// encoded header's folder included). They sit inside the (often compressed, or encrypted)
// header and cover decoded bytes, so only a decoder could recompute them; they are checked
// after the decoder ran, so mutations still reach every decoder, and seeds with plain headers
// (7zz -mhc=off) expose the header parser directly. Zip data CRCs are recomputed (stored data
// as is, deflate data inflated with zlib), so mutated entry data reaches the caller.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace reelcheck::fuzz {

namespace crc_detail {

inline std::uint32_t le32(std::span<const std::uint8_t> a, std::size_t at) {
  return static_cast<std::uint32_t>(a[at]) | static_cast<std::uint32_t>(a[at + 1]) << 8 |
         static_cast<std::uint32_t>(a[at + 2]) << 16 | static_cast<std::uint32_t>(a[at + 3]) << 24;
}
inline std::uint16_t le16(std::span<const std::uint8_t> a, std::size_t at) {
  return static_cast<std::uint16_t>(a[at] | a[at + 1] << 8);
}
inline std::uint64_t le64(std::span<const std::uint8_t> a, std::size_t at) {
  return le32(a, at) | static_cast<std::uint64_t>(le32(a, at + 4)) << 32;
}
inline void put32(std::span<std::uint8_t> a, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    a[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
// 7z uses the same CRC-32 (IEEE, reflected) as zip and zlib.
inline std::uint32_t crc32_of(const std::uint8_t* p, std::size_t n) {
  return static_cast<std::uint32_t>(crc32_z(crc32_z(0, nullptr, 0), p, n));
}

// The CRC of a deflate entry's data, inflated up to `limit` bytes; false if it does not inflate.
inline bool inflated_crc(const std::uint8_t* p, std::size_t n, std::size_t limit,
                         std::uint32_t& crc) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return false;
  z.next_in = const_cast<Bytef*>(p);
  z.avail_in = static_cast<uInt>(n);
  std::vector<std::uint8_t> chunk(64 * 1024);
  uLong c = crc32_z(0, nullptr, 0);
  std::size_t total = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = chunk.data();
    z.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t got = chunk.size() - z.avail_out;
    total += got;
    c = crc32_z(c, chunk.data(), got);
    if (total > limit || (rc == Z_OK && got == 0 && z.avail_in == 0)) rc = Z_DATA_ERROR;
  }
  inflateEnd(&z);
  crc = static_cast<std::uint32_t>(c);
  return rc == Z_STREAM_END;
}

} // namespace crc_detail

// A 7z archive: the next-header CRC (when the header it points to lies inside the input), then
// the start-header CRC over the pointer. Anything that is not a 7z start is left alone.
// Returns whether the input starts like a 7z.
inline bool fix_seven_zip_crcs(std::span<std::uint8_t> a) {
  using namespace crc_detail;
  constexpr std::uint8_t kSignature[6] = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};
  if (a.size() < 6) return false;
  for (std::size_t i = 0; i < 6; ++i)
    if (a[i] != kSignature[i]) return false;
  if (a.size() < 32) return true;
  const std::uint64_t offset = le64(a, 12), size = le64(a, 20), available = a.size() - 32;
  if (offset <= available && size <= available - offset)
    put32(a, 28, crc32_of(a.data() + 32 + offset, static_cast<std::size_t>(size)));
  put32(a, 8, crc32_of(a.data() + 12, 20));
  return true;
}

// A zip archive: for each central-directory entry the reader would reach, the CRC-32 of its
// data (stored, or deflate that inflates within `max_entry`) goes into the central entry and
// its local header, so that the local/central cross-check and the data check both pass; a
// stored entry that is a 7z (a bundle's inner archive) gets its own fix-up first.
// Entries whose data cannot be recomputed keep their central CRC, copied to the local header.
inline void fix_zip_crcs(std::span<std::uint8_t> a, std::size_t max_entry) {
  using namespace crc_detail;
  if (a.size() < 22) return;
  // The end record, found as the reader finds it: its comment reaches exactly to the end.
  std::size_t end = a.size();
  const std::size_t last = a.size() - 22;
  const std::size_t first = last > 0xFFFF ? last - 0xFFFF : 0;
  for (std::size_t at = last + 1; at-- > first;) {
    if (le32(a, at) == 0x06054b50 && at + 22 + le16(a, at + 20) == a.size()) {
      end = at;
      break;
    }
  }
  if (end == a.size()) return;
  const std::size_t count = le16(a, end + 10);
  std::size_t at = le32(a, end + 16);
  for (std::size_t i = 0; i < count && at <= end && end - at >= 46; ++i) {
    if (le32(a, at) != 0x02014b50) return;
    const std::uint16_t method = le16(a, at + 10);
    const std::size_t packed = le32(a, at + 20), size = le32(a, at + 24);
    const std::size_t local = le32(a, at + 42);
    std::uint32_t crc = le32(a, at + 16);
    if (local <= end && end - local >= 30 && le32(a, local) == 0x04034b50) {
      const std::size_t start = local + 30 + le16(a, local + 26) + le16(a, local + 28);
      if (start <= end && packed <= end - start) {
        std::uint32_t fresh = 0;
        if (method == 0) {
          // A stored 7z inside (the bundle's inner archives) is fixed first, then summed.
          fix_seven_zip_crcs(a.subspan(start, packed));
          crc = crc32_of(a.data() + start, packed);
        } else if (method == 8 &&
                   inflated_crc(a.data() + start, packed, std::min(size, max_entry), fresh)) {
          crc = fresh;
        }
      }
      put32(a, local + 14, crc);
    }
    put32(a, at + 16, crc);
    at += 46 + le16(a, at + 28) + le16(a, at + 30) + le16(a, at + 32);
  }
}

// Either format, recognised as the readers do: a 7z by its signature; a zip is found from its
// end, so whatever else gets the zip fix-up, which leaves non-zips alone.
inline void fix_archive_crcs(std::span<std::uint8_t> a, std::size_t max_entry) {
  if (!fix_seven_zip_crcs(a)) fix_zip_crcs(a, max_entry);
}

} // namespace reelcheck::fuzz
