// What a parsed 7z header holds (7zFormat.txt), reduced to what extraction needs. Byte views
// (coder properties) point into the header bytes, which the reader keeps alive while it works.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "reelcheck/result.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::detail {

// Result of a step that yields nothing but may fail.
using Status = Result<std::monostate>;
inline Status success() {
  return std::monostate{};
}

namespace sz {

// 7-Zip never writes folders with more coders or streams than this (BCJ2, the widest, uses
// 4 coders and 7 input streams); fixed arrays keep a hostile folder count cheap to hold.
inline constexpr std::size_t kMaxCoders = 4;
inline constexpr std::size_t kMaxInStreams = 8;

// Property IDs from 7zFormat.txt.
enum Nid : std::uint64_t {
  kEnd = 0x00,
  kHeader = 0x01,
  kArchiveProperties = 0x02,
  kAdditionalStreamsInfo = 0x03,
  kMainStreamsInfo = 0x04,
  kFilesInfo = 0x05,
  kPackInfo = 0x06,
  kUnpackInfo = 0x07,
  kSubStreamsInfo = 0x08,
  kSize = 0x09,
  kCrc = 0x0A,
  kFolder = 0x0B,
  kCodersUnpackSize = 0x0C,
  kNumUnpackStream = 0x0D,
  kEmptyStream = 0x0E,
  kEmptyFile = 0x0F,
  kAnti = 0x10,
  kName = 0x11,
  kEncodedHeader = 0x17,
  kDummy = 0x19,
};

struct Coder {
  std::uint64_t method = 0;
  std::uint32_t num_in = 1;  // packed-side streams of this coder
  std::uint32_t num_out = 1; // unpacked-side streams (always 1 in archives 7-Zip can read)
  ByteView props;
};

// A bind pair feeds the output of coder `out_index` into input stream `in_index`.
struct BindPair {
  std::uint32_t in_index = 0;
  std::uint32_t out_index = 0;
};

struct Folder {
  std::array<Coder, kMaxCoders> coders{};
  std::uint32_t num_coders = 0;
  std::uint32_t num_in_streams = 0; // sum of coders[i].num_in
  std::array<BindPair, kMaxCoders> bind_pairs{};
  std::uint32_t num_bind_pairs = 0;
  std::array<std::uint32_t, kMaxInStreams> packed_streams{}; // in-stream index per pack stream
  std::uint32_t num_packed_streams = 0;
  std::array<std::uint64_t, kMaxCoders> unpack_sizes{}; // one per coder output
  std::uint32_t main_coder = 0;                         // the coder whose output is unbound
  std::uint32_t first_pack_stream = 0;                  // index into StreamsInfo::pack_sizes
  std::optional<std::uint32_t> crc;

  std::uint64_t unpack_size() const { return unpack_sizes[main_coder]; }
};

struct StreamsInfo {
  std::uint64_t pack_pos = 0; // relative to the end of the signature header
  std::vector<std::uint64_t> pack_sizes;
  std::vector<Folder> folders;
  // One entry per folder, then the flattened per-stream sizes and CRCs (SubStreamsInfo).
  std::vector<std::uint32_t> num_substreams;
  std::vector<std::uint64_t> substream_sizes;
  std::vector<std::optional<std::uint32_t>> substream_crcs;
};

struct FileItem {
  std::string name; // UTF-8 as stored, not yet validated
  bool has_stream = true;
  bool is_dir = false;
  bool is_anti = false;
};

struct Header {
  StreamsInfo main;
  std::vector<FileItem> files;
};

} // namespace sz
} // namespace reelcheck::detail
