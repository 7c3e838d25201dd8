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
  // 7z AES key derivation hashes salt || UTF-16 password || counter 2^NumCyclesPower times per
  // distinct (salt, cycles) pair; 7-Zip writes 2^19 rounds (about 20 MB for a 16-character
  // key, 0.1 s). One derivation may ask for at most 2^24 rounds (as in 7-Zip); these cap the
  // bytes hashed in sum, so neither many folders with distinct salts nor a long password can
  // multiply the cost.
  std::uint64_t max_archive_key_bytes = std::uint64_t{1} << 30; // one archive
  std::uint64_t max_bundle_key_bytes = std::uint64_t{1} << 31;  // all archives of one bundle
};

// Work spent across several reads that share a budget (the archives of one bundle).
struct ArchiveWork {
  std::uint64_t key_bytes = 0; // bytes SHA-256 hashed for 7z key derivation, counted before
};

struct ArchiveEntry {
  std::string name; // path inside the archive, '/' separated, validated (see entry_name.hpp)
  SecureBytes data; // wiped when released: entries of the keys archive are secrets
  // Decrypted from a 7z AES folder whose CRC matched: only such data proves it was written by
  // whoever holds the password. Anyone can add a plaintext file beside encrypted ones.
  bool encrypted = false;
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
  // The same, charging key derivation to `spent`: refused with kLimitExceeded, before any
  // hashing, when spent.key_bytes would pass Limits::max_bundle_key_bytes. The bytes are
  // charged whether or not the read succeeds (a wrong key costs the same).
  Result<std::vector<ArchiveEntry>> read(ByteView archive, std::string_view archive_name,
                                         ByteView password, ArchiveWork& spent) const;
  // The files' names (validated as read() does), from the header alone: no entry's data is
  // decompressed. An archive whose header is encrypted answers kPasswordRequired.
  Result<std::vector<std::string>> list(ByteView archive, std::string_view archive_name) const;

private:
  Limits limits_;
};

// zip: stored and deflate entries, CRC-32 checked; directories skipped.
class ZipReader {
public:
  explicit ZipReader(Limits limits = {}) : limits_(limits) {}
  Result<std::vector<ArchiveEntry>> read(ByteView archive, std::string_view archive_name) const;
  // The files' names from the central directory alone: nothing is inflated.
  Result<std::vector<std::string>> list(ByteView archive, std::string_view archive_name) const;

private:
  Limits limits_;
};

} // namespace reelcheck
