// The FilesInfo of a 7z header (7zFormat.txt): one item per file, with its name (UTF-16LE) and
// whether it has data (EmptyStream), is an empty file rather than a folder (EmptyFile), or is
// an anti-item. Other properties (times, attributes) are skipped: extraction needs none.
#include "archive/seven_zip_files_info.hpp"

#include <algorithm>
#include <string>

#include "archive/seven_zip_utf.hpp"

namespace reelcheck::detail::sz {
namespace {

class FilesInfoReader {
public:
  FilesInfoReader(Cursor& in, const Limits& limits) : in_(in), limits_(limits) {}

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
    files.clear();
    files.resize(num_files);

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
    mark_empty(files, empty_stream, empty_file, anti);
    return success();
  }

private:
  // files_info() runs once per archive and its loops over the files sit in small functions of
  // their own (never inlined): in the page V8 optimises a function whose loops have run long, in
  // the background while the run goes on, and would otherwise compile all of files_info() again
  // for a few thousand iterations of simple code (docs/performance.md).
  [[gnu::noinline]] static void mark_empty(std::vector<FileItem>& files,
                                           const std::vector<bool>& empty_stream,
                                           const std::vector<bool>& empty_file,
                                           const std::vector<bool>& anti) {
    std::size_t empty_index = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
      FileItem& f = files[i];
      f.has_stream = !empty_stream[i];
      if (f.has_stream) continue;
      const bool is_empty_file = empty_index < empty_file.size() && empty_file[empty_index];
      f.is_anti = empty_index < anti.size() && anti[empty_index];
      f.is_dir = !is_empty_file;
      ++empty_index;
    }
  }

  [[gnu::noinline]] static Status names(Cursor& prop, std::vector<FileItem>& files) {
    auto external = prop.byte();
    if (!external) return external.error();
    if (*external != 0)
      return make_error(ErrorCode::kUnsupported,
                        "7z file names stored outside the header are not supported");
    auto raw = prop.bytes(prop.remaining());
    if (!raw) return raw.error();
    const ByteView all = *raw;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < files.size(); ++i)
      SZ_TRY(next_name(all, pos, i, files[i].name));
    if (pos != all.size()) return corrupt("the file name list has trailing bytes");
    return success();
  }

  // File name `index` (0-based), from `pos` in the names' bytes to its terminator; `pos` moves
  // past it.
  [[gnu::noinline]] static Status next_name(ByteView all, std::size_t& pos, std::size_t index,
                                            std::string& out) {
    std::size_t end = pos;
    while (end + 1 < all.size() && (all[end] | all[end + 1]) != 0)
      end += 2;
    if (end + 1 >= all.size()) return corrupt("the file names end early");
    auto name = utf16le_to_utf8(all.subspan(pos, end - pos));
    if (!name) return corrupt("file name " + std::to_string(index + 1) + " is not valid UTF-16");
    out = std::move(*name);
    pos = end + 2;
    return success();
  }

  Cursor& in_;
  const Limits& limits_;
};

} // namespace

Status read_files_info(Cursor& in, const Limits& limits, std::vector<FileItem>& files) {
  return FilesInfoReader(in, limits).files_info(files);
}

} // namespace reelcheck::detail::sz
