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
  std::uint32_t keys_given = 0; // folders opened with a key derived ahead (SevenZipKey), unhashed
};

// 7-Zip derives a 7z AES key with 2^19 SHA-256 rounds and no salt unless told otherwise (so
// were the keys archives of Infineon's bundles): such a key depends on the password alone.
// It refuses more than 2^24 rounds to read, and so do we: a hostile archive could otherwise ask
// for 2^62.
inline constexpr unsigned kSevenZipDefaultCyclesPower = 19;
inline constexpr unsigned kSevenZipMaxCyclesPower = 24;

// A 7z AES key derived ahead of the archive that needs it, for an archive without salt: the
// page derives it on a core with nothing else to do while the bundle is still being unpacked.
// It opens the archive only for the password it was derived from (password_check), so a key
// derived ahead never stands in for a password. Wiped on release.
struct SevenZipKey {
  unsigned cycles_power = kSevenZipDefaultCyclesPower;
  SecureBytes key;            // 32 bytes
  SecureBytes password_check; // SHA-256 of key || UTF-16LE password
};
// password: UTF-8 bytes, as SevenZipReader::read takes them. Errors: kBadInput when the
// password is empty or not valid UTF-8, or when cycles_power is over 7-Zip's bound (24).
Result<SevenZipKey> derive_seven_zip_key(ByteView password,
                                         unsigned cycles_power = kSevenZipDefaultCyclesPower);

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
  // The same, with a key derived ahead (derive_seven_zip_key) for folders whose salt is empty
  // and whose round count is the key's, uncharged (spent.keys_given counts each folder it
  // opened), if it was derived from `password`; otherwise it is not used.
  Result<std::vector<ArchiveEntry>> read(ByteView archive, std::string_view archive_name,
                                         ByteView password, ArchiveWork& spent,
                                         const SevenZipKey& known_key) const;
  // The files' names (validated as read() does), from the header alone: no entry's data is
  // decompressed. An archive whose header is encrypted answers kPasswordRequired.
  Result<std::vector<std::string>> list(ByteView archive, std::string_view archive_name) const;

private:
  Result<std::vector<ArchiveEntry>> read_with(ByteView archive, std::string_view archive_name,
                                              ByteView password, ArchiveWork& spent,
                                              const SevenZipKey* known_key) const;
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
