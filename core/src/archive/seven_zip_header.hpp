// Parsing of the 7z header structures (7zFormat.txt). Every count is checked against the
// bytes that remain and against Limits before anything is allocated for it; the parser is
// a flat loop over property IDs, so hostile input cannot drive it into deep recursion.
#pragma once

#include <cstdint>

#include "archive/seven_zip_model.hpp"
#include "reelcheck/archive.hpp"

namespace reelcheck::detail::sz {

inline constexpr std::size_t kSignatureHeaderSize = 32;

// Where the next header lives, as told by the signature header.
struct NextHeaderRef {
  std::uint64_t offset = 0; // from the end of the signature header
  std::uint64_t size = 0;
  std::uint32_t crc = 0;
};

// Checks the signature and StartHeaderCRC. Errors: kNotAnArchive, kTruncated, kCrcMismatch.
Result<NextHeaderRef> parse_signature_header(ByteView archive);

// Parses the StreamsInfo that follows a kEncodedHeader ID (the ID already consumed).
Result<StreamsInfo> parse_encoded_header(ByteView after_id, const Limits& limits);

// Parses a plain header (the kHeader ID already consumed).
Result<Header> parse_header(ByteView after_id, const Limits& limits);

} // namespace reelcheck::detail::sz
