// The StreamsInfo of a 7z header (7zFormat.txt): where the packed streams are (PackInfo), how
// folders of coders unpack them (UnpackInfo/Folder), and how a solid folder splits into the
// streams of its files (SubStreamsInfo). Counts are checked against the bytes left and Limits
// before anything is allocated for them.
#include "archive/seven_zip_streams_info.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace reelcheck::detail::sz {
namespace {

class StreamsInfoReader {
public:
  StreamsInfoReader(Cursor& in, const Limits& limits) : in_(in), limits_(limits) {}

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

private:
  // streams_info() runs once per archive; each part of it is a function of its own (never
  // inlined), so that in the page V8 optimises only the parts whose loops run long, not the whole
  // as one large function (see substream_sizes below).
  [[gnu::noinline]] Status pack_info(StreamsInfo& out) {
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

  [[gnu::noinline]] Status unpack_info(StreamsInfo& out) {
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

  [[gnu::noinline]] Status folder(Folder& f) {
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

  [[gnu::noinline]] Status substreams_info(StreamsInfo& out) {
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
      SZ_TRY(substream_sizes(n, have_sizes, out.folders[f].unpack_size(), out.substream_sizes));
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
      const auto first = digests.begin() + static_cast<std::ptrdiff_t>(next);
      next += out.num_substreams[f];
      out.substream_crcs.insert(out.substream_crcs.end(), first,
                                digests.begin() + static_cast<std::ptrdiff_t>(next));
    }
    return success();
  }

  // The sizes of a solid block's n streams: n - 1 are listed, the last one is what is left.
  // Never inlined into streams_info(), which runs once per archive: in the page V8 optimises a
  // function whose loops have run long, in the background while the run goes on, and compiling
  // streams_info() whole (about 100 ms of a core for a 4,160-file archive) would be paid for
  // nothing; this small function is optimised instead (docs/performance.md).
  [[gnu::noinline]] Status substream_sizes(std::uint32_t n, bool have_sizes,
                                           std::uint64_t block_size,
                                           std::vector<std::uint64_t>& sizes) {
    std::uint64_t sum = 0;
    for (std::uint32_t i = 0; have_sizes && i + 1 < n; ++i) {
      auto size = in_.number();
      if (!size) return size.error();
      sum += *size;
      if (sum < *size || sum > block_size) return corrupt("stream sizes exceed their solid block");
      sizes.push_back(*size);
    }
    if (sum > block_size) return corrupt("stream sizes exceed their solid block");
    sizes.push_back(block_size - sum);
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

  Cursor& in_;
  const Limits& limits_;
};

} // namespace

Status read_streams_info(Cursor& in, const Limits& limits, StreamsInfo& out) {
  return StreamsInfoReader(in, limits).streams_info(out);
}

} // namespace reelcheck::detail::sz
