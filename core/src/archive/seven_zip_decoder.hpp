// One 7z folder: a chain of single-input coders (e.g. AES -> LZMA2 -> BCJ) linked by bind
// pairs. plan_folder() checks everything the header says before any byte is decoded;
// decode_folder() then runs the chain, keeping every intermediate buffer in SecureBytes.
#pragma once

#include <array>
#include <cstdint>

#include "archive/seven_zip_aes.hpp"
#include "archive/seven_zip_model.hpp"
#include "reelcheck/archive.hpp"

namespace reelcheck::detail::sz {

struct FolderPlan {
  std::array<std::uint32_t, kMaxCoders> order{}; // coder indices; order[0] reads the packed stream
  std::uint32_t length = 0;
  bool encrypted = false;
  std::array<AesParams, kMaxCoders> aes{}; // the AES coders' parameters, for key budgets
  std::uint32_t num_aes = 0;
};

// Errors: kUnsupported (names the method), kCorrupt (inconsistent chain or sizes),
// kLimitExceeded (sizes or dictionary beyond `limits`, or too many key derivation rounds).
Result<FolderPlan> plan_folder(const Folder& folder, std::uint64_t packed_size,
                               const Limits& limits);

// Runs a planned folder over its packed stream. Data errors are kCorrupt; the caller decides
// whether an encrypted folder's kCorrupt means a wrong key. kBadInput for a non-UTF-8 key.
Result<SecureBytes> decode_folder(const Folder& folder, const FolderPlan& plan, ByteView packed,
                                  AesKeyCache& keys);

} // namespace reelcheck::detail::sz
