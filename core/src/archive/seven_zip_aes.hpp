// The 7zAES coder (method 06F10701): AES-256-CBC whose key is SHA-256 iterated over
// salt || UTF-16LE(password) || 64-bit counter, 2^NumCyclesPower times.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "archive/seven_zip_model.hpp"
#include "reelcheck/archive.hpp"

namespace reelcheck::detail::sz {

inline constexpr unsigned kMaxAesCyclesPower = kSevenZipMaxCyclesPower; // reelcheck/archive.hpp
inline constexpr unsigned kAesCyclesNoHash = 0x3F; // key = salt || password, no hashing

struct AesParams {
  unsigned cycles_power = 0;
  std::array<std::uint8_t, 16> salt{};
  std::size_t salt_size = 0;
  std::array<std::uint8_t, 16> iv{}; // zero-padded to the AES block size
};

// Errors: kCorrupt (malformed properties), kLimitExceeded (too many hashing rounds).
Result<AesParams> parse_aes_props(ByteView props);

// SHA-256 rounds one derivation with these parameters costs (0 for the no-hash form).
std::uint64_t derivation_rounds(const AesParams& params);

// Bytes SHA-256 hashes in one derivation: every round hashes salt || password || counter, so
// the cost grows with the password's length as much as with the round count.
std::uint64_t derivation_bytes(const AesParams& params, std::size_t password_utf16_size);

// Derived keys for one read(): the header and the data of an archive usually share salt and
// cycle count, and each derivation costs half a million hashes. Every derivation is charged,
// in bytes hashed, against the archive's and the bundle's budget (Limits::max_archive_key_bytes,
// max_bundle_key_bytes) before it runs. Everything is wiped on destruction.
class AesKeyCache {
public:
  // known_key: a key derived ahead for the saltless parameters of its round count (or null).
  AesKeyCache(ByteView password_utf8, const Limits& limits, ArchiveWork& spent,
              const SevenZipKey* known_key = nullptr);

  bool has_password() const { return has_password_; }

  // Refuses (kLimitExceeded) when deriving the keys of every parameter set given, that is
  // not derived yet, would exceed a budget. Lets a reader refuse before any work.
  Status check_budget(std::span<const AesParams> needed) const;

  // Errors: kBadInput when the password is not valid UTF-8; kLimitExceeded over a budget.
  Result<ByteView> key_for(const AesParams& params);

private:
  struct Entry {
    std::array<std::uint8_t, 16> salt{};
    std::size_t salt_size = 0;
    unsigned cycles_power = 0;
    SecureBytes key;
    bool given = false; // derived ahead (known_key), not here
  };

  const Entry* find(const AesParams& params) const;
  Status check_bytes(std::uint64_t more) const;

  const Limits& limits_;
  ArchiveWork& bundle_spent_;
  std::uint64_t archive_spent_ = 0; // bytes hashed
  bool has_password_ = false;
  bool valid_utf8_ = true;
  SecureBytes password_utf16_; // converted up front: its size is part of every cost
  std::vector<Entry> entries_;
};

// Decrypts `in` (a multiple of 16 bytes) into `out` (same size). Errors: kBadInput.
Status aes_decrypt(const AesParams& params, AesKeyCache& keys, ByteView in,
                   std::span<std::uint8_t> out);

} // namespace reelcheck::detail::sz
