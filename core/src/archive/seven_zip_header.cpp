#include "archive/seven_zip_header.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "archive/seven_zip_crc.hpp"
#include "archive/seven_zip_utf.hpp"

// Propagates the error of a Status/Result-returning call.
#define SZ_TRY(expr)                                                                               \
  do {                                                                                             \
    if (auto sz_try_status_ = (expr); !sz_try_status_) return sz_try_status_.error();              \
  } while (false)

namespace reelcheck::detail::sz {
namespace {

constexpr std::array<std::uint8_t, 6> kSignature{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};

Error corrupt(std::string what) {
  return make_error(ErrorCode::kCorrupt, std::move(what));
}

std::uint32_t load_le32(const std::uint8_t* p) {
  return p[0] | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

std::uint64_t load_le64(const std::uint8_t* p) {
  return load_le32(p) | (std::uint64_t{load_le32(p + 4)} << 32);
}

std::string limit_message(std::uint64_t count, std::uint32_t limit) {
  return "the archive lists " + std::to_string(count) + " entries, more than the limit of " +
         std::to_string(limit);
}

// Reads header bytes; every read is bounds-checked and reports a corrupt header on underrun
// (the header itself is known to be complete, so running out means it lies about sizes).
class Cursor {
public:
  explicit Cursor(ByteView data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - pos_; }

  Result<std::uint8_t> byte() {
    if (pos_ >= data_.size()) return ends_early();
    return data_[pos_++];
  }

  // 7z's variable-length UINT64: the count of leading one bits in the first byte says how
  // many little-endian bytes follow; the rest of the first byte supplies the high bits.
  Result<std::uint64_t> number() {
    auto first = byte();
    if (!first) return first.error();
    std::uint64_t value = 0;
    std::uint8_t mask = 0x80;
    for (int i = 0; i < 8; ++i) {
      if ((*first & mask) == 0) {
        const std::uint64_t high = *first & (mask - 1u);
        return value | (high << (8 * i));
      }
      auto next = byte();
      if (!next) return next.error();
      value |= std::uint64_t{*next} << (8 * i);
      mask = static_cast<std::uint8_t>(mask >> 1);
    }
    return value;
  }

  // A count that sizes an allocation: at most `max`, and at most one item per byte left
  // (every item the counts describe takes at least a byte), so lies are caught up front.
  Result<std::uint64_t> count(std::string_view what, std::uint64_t max) {
    auto n = number();
    if (!n) return n.error();
    if (*n > max)
      return corrupt(std::string(what) + " count " + std::to_string(*n) + " is implausible");
    return *n;
  }

  Result<std::uint32_t> u32() {
    if (remaining() < 4) return ends_early();
    const std::uint32_t v = load_le32(data_.data() + pos_);
    pos_ += 4;
    return v;
  }

  Result<ByteView> bytes(std::uint64_t n) {
    if (n > remaining()) return ends_early();
    ByteView v = data_.subspan(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return v;
  }

private:
  static Error ends_early() { return corrupt("the archive header ends in the middle of a field"); }

  ByteView data_;
  std::size_t pos_ = 0;
};

// A bit vector as 7z stores it: MSB first, padded to whole bytes.
Result<std::vector<bool>> read_bits(Cursor& in, std::size_t n) {
  const std::size_t num_bytes = n / 8 + (n % 8 != 0);
  auto raw = in.bytes(num_bytes);
  if (!raw) return raw.error();
  std::vector<bool> bits(n);
  for (std::size_t i = 0; i < n; ++i)
    bits[i] = ((*raw)[i / 8] >> (7 - i % 8)) & 1;
  return bits;
}

Result<std::vector<std::optional<std::uint32_t>>> read_digests(Cursor& in, std::size_t n) {
  auto all_defined = in.byte();
  if (!all_defined) return all_defined.error();
  std::vector<bool> defined;
  if (*all_defined == 0) {
    auto bits = read_bits(in, n);
    if (!bits) return bits.error();
    defined = std::move(*bits);
  } else {
    defined.assign(n, true);
  }
  std::vector<std::optional<std::uint32_t>> crcs(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!defined[i]) continue;
    auto crc = in.u32();
    if (!crc) return crc.error();
    crcs[i] = *crc;
  }
  return crcs;
}

Status expect(Cursor& in, std::uint64_t id, std::string_view where) {
  auto got = in.number();
  if (!got) return got.error();
  if (*got != id)
    return corrupt("unexpected property " + std::to_string(*got) + " in " + std::string(where));
  return success();
}

class Parser {
public:
  Parser(ByteView data, const Limits& limits) : in_(data), limits_(limits) {}

  Status streams_info(StreamsInfo& out) {
    auto id = in_.number();
    if (!id) return id.error();
    if (*id == kPackInfo) {
      SZ_TRY(pack_info(out));
      id = in_.number();
      if (!id) return id.error();
    }
    if (*id == kUnpackInfo) {
      SZ_TRY(unpack_info(out));
      id = in_.number();
      if (!id) return id.error();
    }
    bool have_substreams = false;
    if (*id == kSubStreamsInfo) {
      SZ_TRY(substreams_info(out));
      have_substreams = true;
      id = in_.number();
      if (!id) return id.error();
    }
    if (*id != kEnd)
      return corrupt("unexpected property " + std::to_string(*id) + " in the streams info");
    if (!have_substreams) {
      // Without SubStreamsInfo every folder holds exactly one stream.
      for (const Folder& f : out.folders) {
        out.num_substreams.push_back(1);
        out.substream_sizes.push_back(f.unpack_size());
        out.substream_crcs.push_back(f.crc);
      }
    }
    return assign_pack_streams(out);
  }

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
      SZ_TRY(streams_info(out.main));
      id = in_.number();
      if (!id) return id.error();
    }
    if (*id == kFilesInfo) {
      SZ_TRY(files_info(out.files));
      id = in_.number();
      if (!id) return id.error();
    }
    if (*id != kEnd)
      return corrupt("unexpected property " + std::to_string(*id) + " in the header");
    return match_files_to_streams(out);
  }

private:
  Status pack_info(StreamsInfo& out) {
    auto pos = in_.number();
    if (!pos) return pos.error();
    out.pack_pos = *pos;
    auto n = in_.count("pack stream", in_.remaining());
    if (!n) return n.error();
    SZ_TRY(expect(in_, kSize, "the pack info"));
    out.pack_sizes.reserve(static_cast<std::size_t>(*n));
    for (std::uint64_t i = 0; i < *n; ++i) {
      auto size = in_.number();
      if (!size) return size.error();
      out.pack_sizes.push_back(*size);
    }
    for (;;) {
      auto id = in_.number();
      if (!id) return id.error();
      if (*id == kEnd) return success();
      if (*id != kCrc)
        return corrupt("unexpected property " + std::to_string(*id) + " in the pack info");
      auto crcs = read_digests(in_, out.pack_sizes.size()); // not needed: data CRCs cover it
      if (!crcs) return crcs.error();
    }
  }

  Status unpack_info(StreamsInfo& out) {
    SZ_TRY(expect(in_, kFolder, "the coders info"));
    // A folder takes at least 3 header bytes: coder count, coder flags, unpack size.
    auto n = in_.count("folder", in_.remaining() / 3);
    if (!n) return n.error();
    if (*n > limits_.max_entries)
      return make_error(ErrorCode::kLimitExceeded, limit_message(*n, limits_.max_entries));
    auto external = in_.byte();
    if (!external) return external.error();
    if (*external != 0)
      return make_error(ErrorCode::kUnsupported,
                        "7z folders stored outside the header are not supported");
    out.folders.resize(static_cast<std::size_t>(*n));
    for (Folder& f : out.folders)
      SZ_TRY(folder(f));

    SZ_TRY(expect(in_, kCodersUnpackSize, "the coders info"));
    for (Folder& f : out.folders) {
      for (std::uint32_t c = 0; c < f.num_coders; ++c) {
        auto size = in_.number();
        if (!size) return size.error();
        f.unpack_sizes[c] = *size;
      }
    }
    for (;;) {
      auto id = in_.number();
      if (!id) return id.error();
      if (*id == kEnd) return success();
      if (*id != kCrc)
        return corrupt("unexpected property " + std::to_string(*id) + " in the coders info");
      auto crcs = read_digests(in_, out.folders.size());
      if (!crcs) return crcs.error();
      for (std::size_t i = 0; i < out.folders.size(); ++i)
        out.folders[i].crc = (*crcs)[i];
    }
  }

  Status folder(Folder& f) {
    auto num_coders = in_.number();
    if (!num_coders) return num_coders.error();
    if (*num_coders == 0) return corrupt("a folder without coders");
    if (*num_coders > kMaxCoders)
      return make_error(ErrorCode::kUnsupported,
                        "7z folders with more than 4 coders are not supported");
    f.num_coders = static_cast<std::uint32_t>(*num_coders);
    for (std::uint32_t i = 0; i < f.num_coders; ++i) {
      Coder& c = f.coders[i];
      auto flags = in_.byte();
      if (!flags) return flags.error();
      if (*flags & 0xC0)
        return make_error(ErrorCode::kUnsupported,
                          "7z alternative coder methods are not supported");
      const unsigned id_size = *flags & 0x0F;
      if (id_size > 8) return corrupt("a coder method ID longer than 8 bytes");
      auto id = in_.bytes(id_size);
      if (!id) return id.error();
      for (std::uint8_t b : *id)
        c.method = (c.method << 8) | b;
      if (*flags & 0x10) {
        auto num_in = in_.number();
        if (!num_in) return num_in.error();
        auto num_out = in_.number();
        if (!num_out) return num_out.error();
        if (*num_in == 0 || *num_in > kMaxInStreams)
          return corrupt("a coder with an implausible number of inputs");
        if (*num_out != 1)
          return make_error(ErrorCode::kUnsupported,
                            "7z coders with several outputs are not supported");
        c.num_in = static_cast<std::uint32_t>(*num_in);
      }
      if (*flags & 0x20) {
        auto size = in_.number();
        if (!size) return size.error();
        auto props = in_.bytes(*size);
        if (!props) return props.error();
        c.props = *props;
      }
      f.num_in_streams += c.num_in;
      if (f.num_in_streams > kMaxInStreams)
        return make_error(ErrorCode::kUnsupported,
                          "7z folders with more than 8 input streams are not supported");
    }

    // Every coder output but the folder's final one feeds some coder input.
    f.num_bind_pairs = f.num_coders - 1;
    if (f.num_in_streams < f.num_bind_pairs)
      return corrupt("a folder with more bind pairs than inputs");
    std::array<bool, kMaxInStreams> in_used{};
    std::array<bool, kMaxCoders> out_used{};
    for (std::uint32_t i = 0; i < f.num_bind_pairs; ++i) {
      auto in_index = in_.number();
      if (!in_index) return in_index.error();
      auto out_index = in_.number();
      if (!out_index) return out_index.error();
      if (*in_index >= f.num_in_streams || *out_index >= f.num_coders) {
        return corrupt("a folder with inconsistent bind pairs");
      }
      const auto in = static_cast<std::uint32_t>(*in_index);
      const auto out = static_cast<std::uint32_t>(*out_index);
      if (in_used[in] || out_used[out]) return corrupt("a folder with inconsistent bind pairs");
      in_used[in] = out_used[out] = true;
      f.bind_pairs[i] = {in, out};
    }
    f.main_coder = static_cast<std::uint32_t>(
        std::find(out_used.begin(), out_used.begin() + f.num_coders, false) - out_used.begin());

    f.num_packed_streams = f.num_in_streams - f.num_bind_pairs;
    if (f.num_packed_streams == 0) return corrupt("a folder without packed input");
    if (f.num_packed_streams == 1) {
      f.packed_streams[0] = static_cast<std::uint32_t>(
          std::find(in_used.begin(), in_used.begin() + f.num_in_streams, false) - in_used.begin());
      return success();
    }
    for (std::uint32_t i = 0; i < f.num_packed_streams; ++i) {
      auto index = in_.number();
      if (!index) return index.error();
      if (*index >= f.num_in_streams || in_used[static_cast<std::uint32_t>(*index)])
        return corrupt("a folder with inconsistent packed streams");
      f.packed_streams[i] = static_cast<std::uint32_t>(*index);
      in_used[f.packed_streams[i]] = true;
    }
    return success();
  }

  Status substreams_info(StreamsInfo& out) {
    const std::size_t num_folders = out.folders.size();
    out.num_substreams.assign(num_folders, 1);
    std::uint64_t total = num_folders;
    auto id = in_.number();
    if (!id) return id.error();
    if (*id == kNumUnpackStream) {
      total = 0;
      for (auto& n : out.num_substreams) {
        auto count = in_.number();
        if (!count) return count.error();
        total += std::min<std::uint64_t>(*count, std::uint64_t{1} << 32);
        if (total > limits_.max_entries)
          return make_error(ErrorCode::kLimitExceeded, limit_message(total, limits_.max_entries));
        n = static_cast<std::uint32_t>(*count);
      }
      id = in_.number();
      if (!id) return id.error();
    }

    const bool have_sizes = *id == kSize;
    out.substream_sizes.reserve(static_cast<std::size_t>(total));
    for (std::size_t f = 0; f < num_folders; ++f) {
      const std::uint32_t n = out.num_substreams[f];
      if (n == 0) continue;
      if (n > 1 && !have_sizes) return corrupt("a solid block without stream sizes");
      std::uint64_t sum = 0;
      for (std::uint32_t i = 0; have_sizes && i + 1 < n; ++i) {
        auto size = in_.number();
        if (!size) return size.error();
        sum += *size;
        if (sum < *size || sum > out.folders[f].unpack_size())
          return corrupt("stream sizes exceed their solid block");
        out.substream_sizes.push_back(*size);
      }
      if (sum > out.folders[f].unpack_size())
        return corrupt("stream sizes exceed their solid block");
      out.substream_sizes.push_back(out.folders[f].unpack_size() - sum);
    }
    if (have_sizes) {
      id = in_.number();
      if (!id) return id.error();
    }

    // Streams whose CRC the folder already gives (a lone stream) are not listed again.
    auto known = [&](std::size_t f) {
      return out.num_substreams[f] == 1 && out.folders[f].crc.has_value();
    };
    std::size_t num_unknown = 0;
    for (std::size_t f = 0; f < num_folders; ++f)
      num_unknown += known(f) ? 0 : out.num_substreams[f];
    std::vector<std::optional<std::uint32_t>> digests(num_unknown);
    if (*id == kCrc) {
      auto crcs = read_digests(in_, num_unknown);
      if (!crcs) return crcs.error();
      digests = std::move(*crcs);
      id = in_.number();
      if (!id) return id.error();
    }
    if (*id != kEnd)
      return corrupt("unexpected property " + std::to_string(*id) + " in the substreams info");
    out.substream_crcs.reserve(static_cast<std::size_t>(total));
    std::size_t next = 0;
    for (std::size_t f = 0; f < num_folders; ++f) {
      if (known(f)) {
        out.substream_crcs.push_back(out.folders[f].crc);
        continue;
      }
      for (std::uint32_t i = 0; i < out.num_substreams[f]; ++i)
        out.substream_crcs.push_back(digests[next++]);
    }
    return success();
  }

  // Folders take their pack streams in order; all of them must exist.
  Status assign_pack_streams(StreamsInfo& out) {
    std::uint64_t next = 0;
    for (Folder& f : out.folders) {
      f.first_pack_stream = static_cast<std::uint32_t>(next);
      next += f.num_packed_streams;
      if (next > out.pack_sizes.size())
        return corrupt("folders use more packed streams than the archive has");
    }
    return success();
  }

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

  Status files_info(std::vector<FileItem>& files) {
    auto n = in_.number();
    if (!n) return n.error();
    if (*n > limits_.max_entries)
      return make_error(ErrorCode::kLimitExceeded, limit_message(*n, limits_.max_entries));
    // Every file has a name, and every name at least its 2-byte terminator.
    if (*n > in_.remaining() / 2) return corrupt("the file count exceeds what the header can hold");
    const auto num_files = static_cast<std::size_t>(*n);
    std::vector<bool> empty_stream(num_files, false);
    std::vector<bool> empty_file;
    std::vector<bool> anti;
    std::size_t num_empty = 0;
    bool have_names = false;
    files.assign(num_files, FileItem{});

    for (;;) {
      auto type = in_.number();
      if (!type) return type.error();
      if (*type == kEnd) break;
      auto size = in_.number();
      if (!size) return size.error();
      auto body = in_.bytes(*size);
      if (!body) return body.error();
      Cursor prop(*body);
      switch (*type) {
      case kEmptyStream: {
        auto bits = read_bits(prop, num_files);
        if (!bits) return bits.error();
        empty_stream = std::move(*bits);
        num_empty =
            static_cast<std::size_t>(std::count(empty_stream.begin(), empty_stream.end(), true));
        break;
      }
      case kEmptyFile:
      case kAnti: {
        auto bits = read_bits(prop, num_empty);
        if (!bits) return bits.error();
        (*type == kEmptyFile ? empty_file : anti) = std::move(*bits);
        break;
      }
      case kName:
        SZ_TRY(names(prop, files));
        have_names = true;
        break;
      default: // times, attributes, start positions, padding: not needed for extraction
        break;
      }
    }
    if (num_files != 0 && !have_names) return corrupt("the archive lists files without names");

    std::size_t empty_index = 0;
    for (std::size_t i = 0; i < num_files; ++i) {
      FileItem& f = files[i];
      f.has_stream = !empty_stream[i];
      if (f.has_stream) continue;
      const bool is_empty_file = empty_index < empty_file.size() && empty_file[empty_index];
      f.is_anti = empty_index < anti.size() && anti[empty_index];
      f.is_dir = !is_empty_file;
      ++empty_index;
    }
    return success();
  }

  Status names(Cursor& prop, std::vector<FileItem>& files) {
    auto external = prop.byte();
    if (!external) return external.error();
    if (*external != 0)
      return make_error(ErrorCode::kUnsupported,
                        "7z file names stored outside the header are not supported");
    auto raw = prop.bytes(prop.remaining());
    if (!raw) return raw.error();
    const ByteView all = *raw;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::size_t end = pos;
      while (end + 1 < all.size() && (all[end] | all[end + 1]) != 0)
        end += 2;
      if (end + 1 >= all.size()) return corrupt("the file names end early");
      auto name = utf16le_to_utf8(all.subspan(pos, end - pos));
      if (!name) return corrupt("file name " + std::to_string(i + 1) + " is not valid UTF-16");
      files[i].name = std::move(*name);
      pos = end + 2;
    }
    if (pos != all.size()) return corrupt("the file name list has trailing bytes");
    return success();
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
  Parser parser(after_id, limits);
  StreamsInfo info;
  SZ_TRY(parser.streams_info(info));
  return info;
}

Result<Header> parse_header(ByteView after_id, const Limits& limits) {
  Parser parser(after_id, limits);
  Header header;
  SZ_TRY(parser.header(header));
  return header;
}

} // namespace reelcheck::detail::sz
