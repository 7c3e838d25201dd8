// Archive layer: bytes of a 7z or zip archive in, named byte blobs out. Nothing is written
// anywhere; every size is checked against Limits before memory is allocated for it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/result.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck {

struct Limits {
  std::uint64_t max_entry_size = 256ull << 20;  // one file inside an archive
  std::uint64_t max_total_size = 2048ull << 20; // everything unpacked from one input
  std::uint32_t max_entries = 200'000;          // files in one archive
  std::uint32_t max_dictionary = 256u << 20;    // LZMA/LZMA2 dictionary a 7z may ask for
  std::uint32_t max_depth = 2; // archive layers around a bundle's inner archives (a .zip
                               // holding the downloaded .7z is 2)
};

struct ArchiveEntry {
  std::string name; // path inside the archive, '/' separated, validated (see entry_name.hpp)
  SecureBytes data; // wiped when released: entries of the keys archive are secrets
};

enum class ArchiveFormat { kUnknown, kSevenZip, kZip };
ArchiveFormat detect_archive_format(ByteView data);

// 7z: LZMA, LZMA2, BCJ (x86), delta, copy, and 7z AES-256 (encrypted data and/or headers).
class SevenZipReader {
public:
  explicit SevenZipReader(Limits limits = {}) : limits_(limits) {}
  // password: UTF-8 bytes of the transport key; empty when none was given. A wrong password
  // yields ErrorCode::kWrongKey and no entries at all.
  Result<std::vector<ArchiveEntry>> read(ByteView archive, std::string_view archive_name,
                                         ByteView password = {}) const;

private:
  Limits limits_;
};

// zip: stored and deflate entries, CRC-32 checked; directories skipped.
class ZipReader {
public:
  explicit ZipReader(Limits limits = {}) : limits_(limits) {}
  Result<std::vector<ArchiveEntry>> read(ByteView archive, std::string_view archive_name) const;

private:
  Limits limits_;
};

} // namespace reelcheck
