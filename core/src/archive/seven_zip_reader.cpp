// SevenZipReader: signature header -> (encoded) header -> plan every folder -> decode.
// Everything that can be checked from the header (names, limits, methods, missing data, a
// missing key) is checked before the first byte is decompressed, and entries are handed out
// only when every folder decoded and every CRC matched: a wrong key never leaks partial data.
#include <new>
#include <string>

#include "archive/entry_name.hpp"
#include "archive/seven_zip_aes.hpp"
#include "archive/seven_zip_crc.hpp"
#include "archive/seven_zip_decoder.hpp"
#include "archive/seven_zip_header.hpp"
#include "reelcheck/archive.hpp"
#include "util/format.hpp"

namespace reelcheck {
namespace {

namespace sz = detail::sz;

// A decoded header may itself be an encoded header; 7-Zip writes one level, we allow a few.
constexpr int kMaxHeaderLevels = 4;

class Extraction {
public:
  Extraction(ByteView archive, std::string_view archive_name, ByteView password,
             const Limits& limits, ArchiveWork& spent, const SevenZipKey* known_key = nullptr)
      : archive_(archive), name_(archive_name), keys_(password, limits, spent, known_key),
        limits_(limits) {}

  // names_only: the entries' names from the header, no data decompressed (an encoded header
  // is, being the only way to the names).
  Result<std::vector<ArchiveEntry>> run(bool names_only = false) {
    auto ref = sz::parse_signature_header(archive_);
    if (!ref) return located(ref.error());
    if (ref->size == 0) return std::vector<ArchiveEntry>{}; // an archive with nothing in it

    ByteView header =
        archive_.subspan(static_cast<std::size_t>(sz::kSignatureHeaderSize + ref->offset),
                         static_cast<std::size_t>(ref->size));
    if (detail::seven_zip_crc(header) != ref->crc) {
      return located(
          make_error(ErrorCode::kCrcMismatch, "the archive header is damaged (CRC mismatch)"));
    }
    for (int level = 0;; ++level) {
      if (header.empty())
        return located(make_error(ErrorCode::kCorrupt, "the archive header is empty"));
      if (header[0] == sz::kHeader) break;
      if (header[0] != sz::kEncodedHeader || level == kMaxHeaderLevels) {
        return located(make_error(ErrorCode::kCorrupt, "the archive header has an unknown form"));
      }
      auto decoded = decode_encoded_header(header.subspan(1));
      if (!decoded) return decoded.error();
      header_buffer_ = std::move(*decoded); // the previous level is no longer referenced
      header = as_bytes(header_buffer_);
    }
    auto parsed = sz::parse_header(header.subspan(1), limits_);
    if (!parsed) return located(parsed.error());
    return names_only ? names(*parsed) : extract(*parsed);
  }

private:
  Error located(Error e) const {
    e.message = name_ + ": " + e.message;
    return e;
  }

  Error wrong_key() const {
    return make_error(ErrorCode::kWrongKey, "wrong transport key: it does not decrypt " + name_);
  }

  // Where each pack stream lies in the archive; kTruncated when one runs past the end.
  Result<std::vector<ByteView>> locate_pack_streams(const sz::StreamsInfo& si) const {
    std::vector<ByteView> streams;
    streams.reserve(si.pack_sizes.size());
    const std::uint64_t end = archive_.size();
    std::uint64_t pos = sz::kSignatureHeaderSize;
    if (si.pack_pos > end - pos) return truncated();
    pos += si.pack_pos;
    for (std::uint64_t size : si.pack_sizes) {
      if (size > end - pos) return truncated();
      streams.push_back(
          archive_.subspan(static_cast<std::size_t>(pos), static_cast<std::size_t>(size)));
      pos += size;
    }
    return streams;
  }

  Error truncated() const {
    return located(
        make_error(ErrorCode::kTruncated, "the archive is truncated (packed data is missing)"));
  }

  // Whether every byte folder `i` yields is checked by a CRC: its own, or one per stream.
  static bool crc_covered(const sz::StreamsInfo& si, std::size_t i, std::size_t first_stream) {
    if (si.folders[i].crc) return true;
    const std::uint32_t count = si.num_substreams[i];
    if (count == 0) return false;
    for (std::size_t k = first_stream; k < first_stream + count; ++k)
      if (!si.substream_crcs[k]) return false;
    return true;
  }

  // Plans every folder before anything is decoded: methods, sizes, dictionaries, CRCs of
  // encrypted folders, the key, and the key derivation budget. `decode_all`: the header's
  // folders are all decoded; in the main streams a folder without files is skipped.
  Result<std::vector<sz::FolderPlan>>
  plan_all(const sz::StreamsInfo& si, const std::vector<ByteView>& packs, bool decode_all) const {
    std::vector<sz::FolderPlan> plans;
    plans.reserve(si.folders.size());
    std::vector<sz::AesParams> keys_needed;
    std::size_t first_stream = 0;
    for (std::size_t i = 0; i < si.folders.size(); ++i) {
      const sz::Folder& f = si.folders[i];
      auto plan = sz::plan_folder(f, packs[f.first_pack_stream].size(), limits_);
      if (!plan) return located(plan.error());
      const bool decoded = decode_all || si.num_substreams[i] != 0;
      if (plan->encrypted && decoded) {
        // AES-CBC has no integrity of its own: without a CRC a wrong key (or tampered data)
        // would go unnoticed, and garbage would be handed out as if it were the key files.
        if (!crc_covered(si, i, first_stream)) {
          return located(make_error(ErrorCode::kUnsupported,
                                    "an encrypted block without a CRC is refused: a wrong "
                                    "transport key could not be detected"));
        }
        if (!keys_.has_password()) {
          return make_error(ErrorCode::kPasswordRequired,
                            name_ + " is encrypted: a transport key is needed");
        }
        keys_needed.insert(keys_needed.end(), plan->aes.begin(), plan->aes.begin() + plan->num_aes);
      }
      first_stream += si.num_substreams[i];
      plans.push_back(*plan);
    }
    if (auto ok = keys_.check_budget(keys_needed); !ok) return located(ok.error());
    return plans;
  }

  // The header's own streams, when the folder gives no CRC of its own (plan_all made sure
  // an encrypted folder has one or the other).
  detail::Status check_stream_crcs(const sz::StreamsInfo& si, std::size_t i,
                                   std::size_t first_stream, const sz::FolderPlan& plan,
                                   ByteView data) const {
    if (si.folders[i].crc) return detail::success();
    std::size_t offset = 0;
    for (std::size_t k = first_stream; k < first_stream + si.num_substreams[i]; ++k) {
      const auto size = static_cast<std::size_t>(si.substream_sizes[k]);
      const auto& crc = si.substream_crcs[k];
      if (crc && detail::seven_zip_crc(data.subspan(offset, size)) != *crc)
        return crc_error(plan, "the archive header");
      offset += size;
    }
    return detail::success();
  }

  // Decodes one folder; with AES, any data error means the key was wrong.
  Result<SecureBytes> decode(const sz::Folder& f, const sz::FolderPlan& plan, ByteView packed,
                             std::string_view what) {
    auto out = sz::decode_folder(f, plan, packed, keys_);
    if (!out) {
      if (plan.encrypted && out.error().code == ErrorCode::kCorrupt) return wrong_key();
      Error e = out.error();
      if (e.code == ErrorCode::kCorrupt) e.message += " (in " + std::string(what) + ")";
      return located(std::move(e));
    }
    if (f.crc && detail::seven_zip_crc(as_bytes(*out)) != *f.crc) return crc_error(plan, what);
    return out;
  }

  Error crc_error(const sz::FolderPlan& plan, std::string_view what) const {
    if (plan.encrypted) return wrong_key();
    return located(make_error(ErrorCode::kCrcMismatch,
                              "CRC mismatch in " + std::string(what) + ": the data is damaged"));
  }

  Result<SecureBytes> decode_encoded_header(ByteView after_id) {
    auto si = sz::parse_encoded_header(after_id, limits_);
    if (!si) return located(si.error());
    auto packs = locate_pack_streams(*si);
    if (!packs) return packs.error();
    auto plans = plan_all(*si, *packs, /*decode_all=*/true);
    if (!plans) return plans.error();
    SecureBytes header;
    std::size_t first_stream = 0;
    for (std::size_t i = 0; i < si->folders.size(); ++i) {
      const sz::Folder& f = si->folders[i];
      auto out = decode(f, (*plans)[i], (*packs)[f.first_pack_stream], "the archive header");
      if (!out) return out.error();
      if (auto ok = check_stream_crcs(*si, i, first_stream, (*plans)[i], as_bytes(*out)); !ok)
        return ok.error();
      first_stream += si->num_substreams[i];
      if (out->size() > limits_.max_total_size - header.size()) {
        return located(make_error(ErrorCode::kLimitExceeded,
                                  "the archive header exceeds the " +
                                      detail::format_size(limits_.max_total_size) + " limit"));
      }
      header.insert(header.end(), out->begin(), out->end());
    }
    return header;
  }

  Result<std::vector<ArchiveEntry>> names(const sz::Header& h) const {
    std::vector<ArchiveEntry> entries;
    for (const sz::FileItem& file : h.files) {
      auto name = detail::normalise_entry_name(file.name);
      if (!name) {
        return located(make_error(ErrorCode::kUnsafeName,
                                  "unsafe entry name \"" + detail::printable(file.name) + "\""));
      }
      if (!file.is_dir && !file.is_anti) entries.push_back(ArchiveEntry{std::move(*name), {}});
    }
    return entries;
  }

  Result<std::vector<ArchiveEntry>> extract(const sz::Header& h) {
    const sz::StreamsInfo& si = h.main;
    std::vector<ArchiveEntry> entries;
    entries.reserve(h.files.size());
    // entry_of_stream[k]: the entry that receives data stream k (streams follow file order).
    std::vector<std::size_t> entry_of_stream;
    entry_of_stream.reserve(si.substream_sizes.size());
    if (auto ok = list_entries(h, entries, entry_of_stream); !ok) return ok.error();

    std::uint64_t total = 0;
    for (std::size_t i = 0; i < si.folders.size(); ++i) {
      if (si.num_substreams[i] == 0) continue;
      // Each term is at most max_total_size (checked first), so the sum cannot overflow.
      const std::uint64_t size = si.folders[i].unpack_size();
      if (size > limits_.max_total_size || total + size > limits_.max_total_size) {
        return located(make_error(ErrorCode::kLimitExceeded,
                                  "the archive unpacks to more than the " +
                                      detail::format_size(limits_.max_total_size) + " limit"));
      }
      total += size;
    }

    auto packs = locate_pack_streams(si);
    if (!packs) return packs.error();
    auto plans = plan_all(si, *packs, /*decode_all=*/false);
    if (!plans) return plans.error();

    std::size_t stream = 0;
    for (std::size_t i = 0; i < si.folders.size(); ++i) {
      const std::uint32_t count = si.num_substreams[i];
      if (count == 0) continue;
      const sz::Folder& f = si.folders[i];
      const sz::FolderPlan& plan = (*plans)[i];
      auto out =
          decode(f, plan, (*packs)[f.first_pack_stream], entries[entry_of_stream[stream]].name);
      if (!out) return out.error();
      if (auto ok = hand_out(si, plan, count, *out, stream, entries, entry_of_stream); !ok)
        return ok.error();
      stream += count;
    }
    return entries;
  }

  // extract() runs once per archive; its loops over the entries are functions of their own
  // (never inlined): in the page V8 optimises a function whose loops have run long, in the
  // background while the run goes on, and would otherwise compile all of extract() again for a
  // few thousand iterations of simple code (docs/performance.md).

  // The entries in file order, and for each data stream the entry that receives it.
  [[gnu::noinline]] detail::Status list_entries(const sz::Header& h,
                                                std::vector<ArchiveEntry>& entries,
                                                std::vector<std::size_t>& entry_of_stream) const {
    const sz::StreamsInfo& si = h.main;
    for (const sz::FileItem& file : h.files) {
      auto name = detail::normalise_entry_name(file.name);
      if (!name) {
        return located(make_error(ErrorCode::kUnsafeName,
                                  "unsafe entry name \"" + detail::printable(file.name) + "\""));
      }
      if (file.is_dir || file.is_anti) continue;
      if (file.has_stream) {
        const std::uint64_t size = si.substream_sizes[entry_of_stream.size()];
        if (size > limits_.max_entry_size) {
          return located(make_error(ErrorCode::kLimitExceeded,
                                    "entry " + detail::printable(*name) + " exceeds the " +
                                        detail::format_size(limits_.max_entry_size) + " limit"));
        }
        entry_of_stream.push_back(entries.size());
      }
      entries.push_back(ArchiveEntry{std::move(*name), {}});
    }
    return detail::success();
  }

  // A decoded folder's `count` streams, from stream `first` on, checked and handed to their
  // entries.
  [[gnu::noinline]] detail::Status hand_out(const sz::StreamsInfo& si, const sz::FolderPlan& plan,
                                            std::uint32_t count, SecureBytes& out,
                                            std::size_t first, std::vector<ArchiveEntry>& entries,
                                            const std::vector<std::size_t>& entry_of_stream) const {
    std::size_t offset = 0;
    for (std::size_t stream = first; stream < first + count; ++stream) {
      ArchiveEntry& entry = entries[entry_of_stream[stream]];
      const auto size = static_cast<std::size_t>(si.substream_sizes[stream]);
      const ByteView data = as_bytes(out).subspan(offset, size);
      offset += size;
      const auto& crc = si.substream_crcs[stream];
      if (crc && detail::seven_zip_crc(data) != *crc) return crc_error(plan, entry.name);
      // plan_all refused an encrypted folder that no CRC covers, and decode() checked the
      // folder's own CRC: encrypted data that gets here was decrypted with the right key.
      entry.encrypted = plan.encrypted;
      if (count == 1) {
        entry.data = std::move(out); // a folder of one file: hand over the buffer itself
      } else {
        entry.data.assign(data.begin(), data.end());
      }
    }
    return detail::success();
  }

  ByteView archive_;
  std::string name_;
  sz::AesKeyCache keys_;
  const Limits& limits_;
  SecureBytes header_buffer_;
};

} // namespace

Result<std::vector<std::string>> SevenZipReader::list(ByteView archive,
                                                      std::string_view archive_name) const {
  try {
    ArchiveWork spent;
    Extraction extraction(archive, archive_name, {}, limits_, spent);
    auto entries = extraction.run(/*names_only=*/true);
    if (!entries) return entries.error();
    std::vector<std::string> names;
    for (auto& entry : *entries)
      names.push_back(std::move(entry.name));
    return names;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kLimitExceeded,
                      std::string(archive_name) + ": not enough memory to read the archive");
  }
}

Result<std::vector<ArchiveEntry>>
SevenZipReader::read(ByteView archive, std::string_view archive_name, ByteView password) const {
  ArchiveWork spent;
  return read(archive, archive_name, password, spent);
}

Result<std::vector<ArchiveEntry>> SevenZipReader::read(ByteView archive,
                                                       std::string_view archive_name,
                                                       ByteView password,
                                                       ArchiveWork& spent) const {
  return read_with(archive, archive_name, password, spent, nullptr);
}

Result<std::vector<ArchiveEntry>> SevenZipReader::read(ByteView archive,
                                                       std::string_view archive_name,
                                                       ByteView password, ArchiveWork& spent,
                                                       const SevenZipKey& known_key) const {
  return read_with(archive, archive_name, password, spent, &known_key);
}

Result<std::vector<ArchiveEntry>> SevenZipReader::read_with(ByteView archive,
                                                            std::string_view archive_name,
                                                            ByteView password, ArchiveWork& spent,
                                                            const SevenZipKey* known_key) const {
  // Sizes are limit-checked before allocation, but a limit may still be more than the
  // machine (or a wasm heap) can give; that must not escape as an exception.
  try {
    Extraction extraction(archive, archive_name, password, limits_, spent, known_key);
    return extraction.run();
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kLimitExceeded,
                      std::string(archive_name) + ": not enough memory to unpack the archive");
  }
}

} // namespace reelcheck
