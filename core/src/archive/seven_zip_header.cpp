// The top of the 7z header: the signature header that points to it, and the Header's sequence
// of properties. The parts live in their own files: the byte cursor (seven_zip_cursor), the
// StreamsInfo (seven_zip_streams_info) and the FilesInfo (seven_zip_files_info).
#include "archive/seven_zip_header.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "archive/seven_zip_crc.hpp"
#include "archive/seven_zip_cursor.hpp"
#include "archive/seven_zip_files_info.hpp"
#include "archive/seven_zip_streams_info.hpp"
#include "util/bytes.hpp"

namespace reelcheck::detail::sz {
namespace {

constexpr std::array<std::uint8_t, 6> kSignature{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};

class HeaderReader {
public:
  HeaderReader(ByteView data, const Limits& limits) : in_(data), limits_(limits) {}

  Status header(Header& out) {
    auto id = in_.number();
    if (!id) return id.error();
    if (*id == kArchiveProperties) {
      SZ_TRY(skip_archive_properties());
      id = in_.number();
      if (!id) return id.error();
    }
    if (*id == kAdditionalStreamsInfo) {
      return make_error(ErrorCode::kUnsupported,
                        "7z archives with additional header streams are not supported");
    }
    if (*id == kMainStreamsInfo) {
      SZ_TRY(read_streams_info(in_, limits_, out.main));
      id = in_.number();
      if (!id) return id.error();
    }
    if (*id == kFilesInfo) {
      SZ_TRY(read_files_info(in_, limits_, out.files));
      id = in_.number();
      if (!id) return id.error();
    }
    if (*id != kEnd)
      return corrupt("unexpected property " + std::to_string(*id) + " in the header");
    return match_files_to_streams(out);
  }

private:
  Status skip_archive_properties() {
    for (;;) {
      auto type = in_.number();
      if (!type) return type.error();
      if (*type == kEnd) return success();
      auto size = in_.number();
      if (!size) return size.error();
      auto skipped = in_.bytes(*size);
      if (!skipped) return skipped.error();
    }
  }

  Status match_files_to_streams(const Header& h) {
    const std::size_t with_stream = static_cast<std::size_t>(std::count_if(
        h.files.begin(), h.files.end(), [](const FileItem& f) { return f.has_stream; }));
    if (with_stream != h.main.substream_sizes.size()) {
      return corrupt("the archive lists " + std::to_string(with_stream) + " files with data but " +
                     std::to_string(h.main.substream_sizes.size()) + " data streams");
    }
    return success();
  }

  Cursor in_;
  const Limits& limits_;
};

} // namespace

Result<NextHeaderRef> parse_signature_header(ByteView archive) {
  const std::size_t probe = std::min(archive.size(), kSignature.size());
  if (archive.empty() ||
      !std::equal(archive.begin(), archive.begin() + static_cast<std::ptrdiff_t>(probe),
                  kSignature.begin())) {
    return make_error(ErrorCode::kNotAnArchive, "not a 7z archive");
  }
  if (archive.size() < kSignatureHeaderSize) {
    return make_error(ErrorCode::kTruncated,
                      "the archive is truncated (it ends inside the signature header)");
  }
  const std::uint8_t* p = archive.data();
  if (p[6] != 0)
    return make_error(ErrorCode::kUnsupported,
                      "7z format version " + std::to_string(p[6]) + " is not supported");
  if (load_le32(p + 8) != seven_zip_crc(archive.subspan(12, 20))) {
    return make_error(ErrorCode::kCrcMismatch,
                      "the archive's start header is damaged (CRC mismatch)");
  }
  NextHeaderRef ref{load_le64(p + 12), load_le64(p + 20), load_le32(p + 28)};
  const std::uint64_t available = archive.size() - kSignatureHeaderSize;
  if (ref.offset > available || ref.size > available - ref.offset) {
    return make_error(ErrorCode::kTruncated,
                      "the archive is truncated (its header lies beyond the end of the data)");
  }
  return ref;
}

Result<StreamsInfo> parse_encoded_header(ByteView after_id, const Limits& limits) {
  Cursor in(after_id);
  StreamsInfo info;
  SZ_TRY(read_streams_info(in, limits, info));
  return info;
}

Result<Header> parse_header(ByteView after_id, const Limits& limits) {
  HeaderReader parser(after_id, limits);
  Header header;
  SZ_TRY(parser.header(header));
  return header;
}

} // namespace reelcheck::detail::sz
