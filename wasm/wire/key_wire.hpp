// The keys archive's AES key derived ahead (reelcheck::SevenZipKey), on its way from the verifier
// that derived it to the coordinator that reads the keys archive: "RCK1", the round count's
// power (one byte), the 32-byte key, its 32-byte password check. A secret: held in wiping memory
// on both sides, and the page wipes its copies.
#pragma once

#include <cstdint>
#include <span>

#include "reelcheck/archive.hpp"
#include "reelcheck/result.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::wasm::wire {

inline constexpr std::size_t kDerivedKeyWireSize = 4 + 1 + 32 + 32;

SecureBytes encode_derived_key(const SevenZipKey& key);

// Strict: exactly kDerivedKeyWireSize bytes, the tag, at most 2^24 rounds.
Result<SevenZipKey> decode_derived_key(std::span<const std::uint8_t> bytes);

} // namespace reelcheck::wasm::wire
