// Turns what the user handed over into a Bundle: unpacks an outer .7z/.zip (or takes the inner
// archives as given), recognises the four inner archives, unpacks the certificate archives,
// decrypts the keys archive with the transport key and parses both key files.
#include <algorithm>
#include <deque>
#include <map>
#include <optional>

#include "archive/entry_name.hpp"
#include "bundle/inner_archive_name.hpp"
#include "reelcheck/bundle.hpp"
#include "util/format.hpp"
#include "util/text.hpp"

namespace reelcheck {
namespace {

struct InnerArchive {
  detail::InnerArchiveName parsed;
  std::string name;
  ByteView bytes;
  std::size_t origin; // index of the handed-over input it came from (itself, or an outer archive)
};

// The handed-over inputs whose inner archives repeat those of another input of the same reel:
// the .7z and the .zip of one download, or a bundle and its own loose archives. One finding per
// pair of inputs says so in plain words instead of one duplicate_archive error per archive.
struct RepeatedInput {
  std::string reel;         // "reel R2400017 (batch B7F3C1)"
  std::size_t archives = 0; // inner archives found in both
  bool same_bytes = true;
};

Finding error_finding(FindingCode code, std::string file, std::string message) {
  return Finding{Severity::kError, code, std::move(file), 0, "", std::move(message)};
}

// Reads one archive of either format.
Result<std::vector<ArchiveEntry>> unpack(ByteView data, std::string_view name, ByteView key,
                                         const Limits& limits, ArchiveWork& spent) {
  switch (detect_archive_format(data)) {
  case ArchiveFormat::kSevenZip: return SevenZipReader(limits).read(data, name, key, spent);
  case ArchiveFormat::kZip: return ZipReader(limits).read(data, name);
  case ArchiveFormat::kUnknown: break;
  }
  return make_error(ErrorCode::kNotAnArchive,
                    std::string(name) + " is not a 7z or zip archive (nor a Cloud ID bundle)");
}

// A lone file named like an inner archive may still be a whole bundle that happens to be
// called "..._keys.7z": it is one if it unpacks (without a key) to inner archives.
bool is_outer_bundle(const InputFile& input, const Limits& limits, ArchiveWork& spent) {
  auto entries = unpack(input.bytes, detail::base_name(input.name), {}, limits, spent);
  return entries.ok() && std::any_of(entries->begin(), entries->end(), [](const ArchiveEntry& e) {
           return detail::parse_inner_archive_name(e.name).has_value();
         });
}

// Only the transport key ties the secrets to Infineon: a key file is taken only when it was
// decrypted with it (from an AES folder whose CRC matched). A plaintext PBS_keys.txt beside
// the encrypted ones, or a keys archive that opens without the key, proves nothing, and a
// second key file of one kind is refused rather than letting archive order pick a winner.
std::optional<Error> read_key_files(const std::vector<ArchiveEntry>& entries,
                                    const std::string& archive_name, Bundle& bundle) {
  const ArchiveEntry* pbs = nullptr;
  const ArchiveEntry* auth = nullptr;
  for (const auto& entry : entries) {
    const auto base = detail::base_name(entry.name);
    const ArchiveEntry** slot = detail::iequals(base, "PBS_keys.txt")    ? &pbs
                                : detail::iequals(base, "auto_keys.txt") ? &auth
                                                                         : nullptr;
    if (slot == nullptr) {
      bundle.findings.push_back(Finding{Severity::kWarning, FindingCode::kUnexpectedFile,
                                        entry.name, 0, "",
                                        "unexpected file in " + archive_name + "; ignored"});
      continue;
    }
    if (!entry.encrypted)
      return make_error(ErrorCode::kKeysNotEncrypted,
                        archive_name + ": " + detail::printable(entry.name) +
                            " is not encrypted with the transport key, so nothing shows it "
                            "came from Infineon; the keys archive may have been tampered with");
    if (*slot != nullptr)
      return make_error(ErrorCode::kDuplicateKeyFile,
                        archive_name + " holds two " + std::string(base) + " files (" +
                            detail::printable((*slot)->name) + " and " +
                            detail::printable(entry.name) +
                            "): which one is genuine cannot be told, so neither is used");
    *slot = &entry;
  }
  const KeyFileParser parser;
  if (pbs != nullptr) {
    bundle.pbs = parser.parse(as_bytes(pbs->data), detail::base_name(pbs->name));
  } else {
    bundle.findings.push_back(error_finding(FindingCode::kMissingKeyFile, archive_name,
                                            "PBS_keys.txt is missing from the keys archive"));
  }
  if (auth != nullptr) {
    bundle.auth = parser.parse(as_bytes(auth->data), detail::base_name(auth->name));
  } else {
    bundle.findings.push_back(error_finding(FindingCode::kMissingKeyFile, archive_name,
                                            "auto_keys.txt is missing from the keys archive"));
  }
  return std::nullopt;
}

using Candidates = std::vector<std::pair<std::string, InnerArchive>>;
using ByKind = std::map<InnerArchiveKind, InnerArchive>;

// One bundle being put together, step by step (BundleReader::read runs them in order). It
// charges everything unpacked against the bundle's limits and every key derivation against
// one budget; the views it hands around point into the inputs or into `unpacked_`.
class BundleAssembly {
public:
  BundleAssembly(const Limits& limits, const ProgressFn& progress, bool secrets_checked)
      : limits_(limits), remaining_(limits), progress_(progress) {
    bundle_.secrets_checked = secrets_checked;
  }

  // 1. The inner archives: given directly, or inside outer archives, which may themselves be
  //    wrapped (a .zip around the downloaded .7z) up to Limits::max_depth layers.
  std::optional<Error> find_inner_archives(std::span<const InputFile> inputs) {
    struct Pending {
      std::string name;
      ByteView bytes;
      std::uint32_t depth; // outer layers above this archive; 0 = handed over by the user
      std::size_t origin;  // index of the handed-over input
    };
    std::deque<Pending> work;
    for (const InputFile& input : inputs) {
      bundle_.inputs.push_back(std::string(detail::base_name(input.name)));
      work.push_back(Pending{bundle_.inputs.back(), input.bytes, 0, bundle_.inputs.size() - 1});
    }
    input_names_ = bundle_.inputs; // before sorting, by origin
    std::size_t done = 0;
    while (!work.empty()) {
      const Pending item = std::move(work.front());
      work.pop_front();
      const bool handed_over = item.depth == 0;
      if (handed_over) report(Phase::kReading, done++, inputs.size());
      if (detail::parse_inner_archive_name(item.name) &&
          !(handed_over && inputs.size() == 1 &&
            is_outer_bundle(InputFile{item.name, item.bytes}, remaining_, spent_))) {
        std::string base(detail::base_name(item.name));
        candidates_.emplace_back(base, InnerArchive{*detail::parse_inner_archive_name(base), base,
                                                    item.bytes, item.origin});
        continue;
      }
      if (item.depth >= limits_.max_depth)
        return make_error(ErrorCode::kLimitExceeded,
                          item.name + ": archives nested more than " +
                              std::to_string(limits_.max_depth) +
                              " levels deep around the bundle's archives");
      // Outer archives are not encrypted; no key is handed to them.
      auto entries = unpack(item.bytes, detail::base_name(item.name), {}, remaining_, spent_);
      if (!entries) {
        if (handed_over && inputs.size() > 1 && entries.error().code == ErrorCode::kNotAnArchive) {
          bundle_.findings.push_back(Finding{Severity::kWarning, FindingCode::kIgnoredInput,
                                             item.name, 0, "",
                                             "not an archive of a bundle; ignored"});
          continue;
        }
        return in_bundle(entries.error());
      }
      for (auto& entry : *entries) {
        if (auto e = charge(entry.data.size(), entry.name)) return e;
        const bool is_archive =
            detail::parse_inner_archive_name(entry.name).has_value() ||
            detect_archive_format(as_bytes(entry.data)) != ArchiveFormat::kUnknown;
        if (!is_archive) {
          bundle_.findings.push_back(Finding{Severity::kInfo, FindingCode::kUnexpectedFile,
                                             entry.name, 0, "",
                                             "not one of the bundle's archives; ignored"});
          continue;
        }
        const ArchiveEntry& kept = unpacked_.emplace_back(std::move(entry));
        work.push_back(Pending{kept.name, as_bytes(kept.data), item.depth + 1, item.origin});
      }
    }
    report(Phase::kReading, inputs.size(), inputs.size());
    std::sort(bundle_.inputs.begin(), bundle_.inputs.end());
    if (candidates_.empty()) {
      return make_error(
          ErrorCode::kNotAnArchive,
          "no Cloud ID archives (<reel>_<batch>_E0E0_Certs.7z ... _keys.7z) found in " +
              bundle_.inputs.front());
    }
    return std::nullopt;
  }

  // 2. One archive per kind; the rest are findings. The reel is named by the archives.
  void choose_one_per_kind() {
    // Of two archives with one name, the one from the input handed over first is kept (whether
    // it was given loose or found inside an outer archive).
    std::stable_sort(candidates_.begin(), candidates_.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second.origin < b.second.origin;
    });
    std::map<std::pair<std::size_t, std::size_t>, RepeatedInput> repeated; // (kept, second) input
    for (auto& [name, candidate] : candidates_) {
      const auto& parsed = candidate.parsed;
      auto [it, inserted] = by_kind_.try_emplace(parsed.kind, candidate);
      if (inserted) continue;
      const InnerArchive& first = it->second;
      if (first.origin != candidate.origin && first.parsed.reel_id == parsed.reel_id &&
          first.parsed.batch_id == parsed.batch_id) {
        RepeatedInput& r = repeated[{first.origin, candidate.origin}];
        r.reel = "reel " + parsed.reel_id +
                 (parsed.batch_id.empty() ? "" : " (batch " + parsed.batch_id + ")");
        ++r.archives;
        r.same_bytes = r.same_bytes && first.bytes.size() == candidate.bytes.size() &&
                       std::equal(first.bytes.begin(), first.bytes.end(), candidate.bytes.begin());
        continue;
      }
      bundle_.findings.push_back(
          error_finding(FindingCode::kDuplicateArchive, name,
                        "a second " + std::string(inner_archive_kind_name(parsed.kind)) +
                            " archive; " + first.name + " is used"));
    }
    for (const auto& [origins, r] : repeated) {
      const std::string& kept = input_names_[origins.first];
      const std::string& second = input_names_[origins.second];
      // Identical archives are harmless: the reel is verified once. Different archives under the
      // same names are not: only the first input's are verified, so the verdict must not pass.
      bundle_.findings.push_back(
          r.same_bytes ? Finding{Severity::kWarning, FindingCode::kDuplicateBundle, second, 0, "",
                                 kept + " and " + second + " are two copies of one " + r.reel +
                                     ": the same " + std::to_string(r.archives) + " archive" +
                                     (r.archives == 1 ? "" : "s") + "; verified once"}
                       : error_finding(FindingCode::kDuplicateBundle, second,
                                       kept + " and " + second + " both hold " + r.reel +
                                           " but their archives differ; only " + kept +
                                           "'s were verified: choose one of them"));
    }
    for (InnerArchiveKind kind : {InnerArchiveKind::kE0E0Certs, InnerArchiveKind::kE0E1Certs,
                                  InnerArchiveKind::kE0E2Certs, InnerArchiveKind::kKeys}) {
      auto it = by_kind_.find(kind);
      if (it == by_kind_.end()) {
        bundle_.missing_archives.push_back(kind);
        if (kind == InnerArchiveKind::kKeys && !bundle_.secrets_checked) {
          bundle_.findings.push_back(Finding{Severity::kWarning, FindingCode::kMissingArchive, "",
                                             0, "",
                                             "the bundle has no keys archive (not needed to check "
                                             "the certificates only)"});
          continue;
        }
        bundle_.findings.push_back(error_finding(
            FindingCode::kMissingArchive, "",
            "the bundle has no " + std::string(inner_archive_kind_name(kind)) + " archive"));
        continue;
      }
      const auto& parsed = it->second.parsed;
      if (bundle_.reel_id.empty()) {
        bundle_.reel_id = parsed.reel_id;
        bundle_.batch_id = parsed.batch_id;
      } else if (parsed.reel_id != bundle_.reel_id || parsed.batch_id != bundle_.batch_id) {
        bundle_.findings.push_back(error_finding(FindingCode::kReelMismatch, it->second.name,
                                                 "archive names reel " + parsed.reel_id + " / " +
                                                     parsed.batch_id + ", expected " +
                                                     bundle_.reel_id + " / " + bundle_.batch_id));
      }
    }
  }

  // 3. The certificates, ordered by archive name, then entry name. Archives are unpacked in
  //    that order and each one's entries sorted as it is done, so a certificate's place is
  //    final at once: `certificates_ready` hands them out archive by archive while the next
  //    one is unpacked.
  std::optional<Error> unpack_certificates(const CertificatesReadyFn& certificates_ready) {
    std::vector<const InnerArchive*> certificate_archives;
    for (const auto& [kind, archive] : by_kind_)
      if (kind != InnerArchiveKind::kKeys) certificate_archives.push_back(&archive);
    std::sort(certificate_archives.begin(), certificate_archives.end(),
              [](const InnerArchive* a, const InnerArchive* b) { return a->name < b->name; });
    std::size_t unpacked_archives = 0;
    for (const InnerArchive* archive_ptr : certificate_archives) {
      const InnerArchive& archive = *archive_ptr;
      const InnerArchiveKind kind = archive.parsed.kind;
      report(Phase::kDecompressing, unpacked_archives++, certificate_archives.size());
      const Slot slot = kind == InnerArchiveKind::kE0E0Certs   ? Slot::kE0E0
                        : kind == InnerArchiveKind::kE0E1Certs ? Slot::kE0E1
                                                               : Slot::kE0E2;
      auto entries = SevenZipReader(remaining_).read(archive.bytes, archive.name, {}, spent_);
      if (!entries) return in_bundle(entries.error());
      bundle_.archives.push_back(InnerArchiveInfo{kind, archive.name, archive.parsed.reel_id,
                                                  archive.parsed.batch_id, entries->size()});
      const std::size_t first = bundle_.certificates.size();
      for (auto& entry : *entries) {
        if (auto e = charge(entry.data.size(), entry.name)) return e;
        bundle_.certificates.push_back(
            CertificateFile{archive.name, entry.name, slot,
                            std::vector<std::uint8_t>(entry.data.begin(), entry.data.end())});
      }
      const auto added = bundle_.certificates.begin() + static_cast<std::ptrdiff_t>(first);
      std::stable_sort(
          added, bundle_.certificates.end(),
          [](const CertificateFile& a, const CertificateFile& b) { return a.name < b.name; });
      if (certificates_ready)
        certificates_ready(first, std::span(bundle_.certificates).subspan(first));
    }
    report(Phase::kDecompressing, certificate_archives.size(), certificate_archives.size());
    return std::nullopt;
  }

  // 4. The key files, decrypted with the transport key; without one (key_for_reel == nullptr:
  //    certificates only) the keys archive is listed and never opened.
  std::optional<Error> read_keys(const BundleReader::KeyLookup* key_for_reel) {
    const auto keys = by_kind_.find(InnerArchiveKind::kKeys);
    if (keys == by_kind_.end()) return std::nullopt; // a missing_archive finding already
    const InnerArchive& archive = keys->second;
    if (key_for_reel == nullptr) {
      // Listed, never opened: its entry count is not known without the key (headers may be
      // encrypted), and nothing of it is read.
      bundle_.archives.push_back(InnerArchiveInfo{InnerArchiveKind::kKeys, archive.name,
                                                  archive.parsed.reel_id, archive.parsed.batch_id,
                                                  0});
      return std::nullopt;
    }
    report(Phase::kDecrypting, 0, 1);
    const SecureBytes key = *key_for_reel ? (*key_for_reel)(archive.parsed.reel_id) : SecureBytes{};
    const ByteView transport_key = trim_transport_key(as_bytes(key));
    if (transport_key.empty())
      return make_error(ErrorCode::kPasswordRequired,
                        archive.name +
                            " is encrypted: the transport key from the reel's letter is needed");
    if (transport_key.size() > kMaxTransportKeySize)
      return make_error(ErrorCode::kBadInput,
                        "the transport key is longer than " + std::to_string(kMaxTransportKeySize) +
                            " bytes (" + std::to_string(transport_key.size()) +
                            "): that is not the key from a reel's letter; check that the key "
                            "file or variable holds only the key");
    auto entries =
        SevenZipReader(remaining_).read(archive.bytes, archive.name, transport_key, spent_);
    if (!entries) return in_bundle(entries.error());
    for (const auto& entry : *entries)
      if (auto e = charge(entry.data.size(), entry.name)) return e;
    bundle_.archives.push_back(InnerArchiveInfo{InnerArchiveKind::kKeys, archive.name,
                                                archive.parsed.reel_id, archive.parsed.batch_id,
                                                entries->size()});
    if (auto e = read_key_files(*entries, archive.name, bundle_)) return e;
    report(Phase::kDecrypting, 1, 1);
    return std::nullopt;
  }

  Bundle finish() && {
    std::sort(bundle_.archives.begin(), bundle_.archives.end(),
              [](const auto& a, const auto& b) { return a.kind < b.kind; });
    return std::move(bundle_);
  }

private:
  void report(Phase phase, std::uint64_t done, std::uint64_t total) const {
    if (progress_) progress_(phase, done, total);
  }

  std::optional<Error> charge(std::uint64_t bytes, std::string_view what) {
    if (bytes > remaining_.max_total_size)
      return make_error(ErrorCode::kLimitExceeded,
                        std::string(what) + " exceeds the total unpacked size limit of " +
                            detail::format_size(limits_.max_total_size));
    remaining_.max_total_size -= bytes;
    return std::nullopt;
  }

  // Archives are read against what is left of the bundle's total: say so when that is why.
  Error in_bundle(Error e) const {
    if (e.code == ErrorCode::kLimitExceeded && remaining_.max_total_size < limits_.max_total_size)
      e.message += " (what is left of the bundle's " + detail::format_size(limits_.max_total_size) +
                   " unpacked size limit)";
    return e;
  }

  const Limits& limits_;
  Limits remaining_;
  ArchiveWork spent_; // key derivation across every archive of this bundle
  const ProgressFn& progress_;
  Bundle bundle_;
  std::vector<std::string> input_names_; // the handed-over inputs, by origin
  std::deque<ArchiveEntry> unpacked_;    // owns what outer archives unpacked; views point into it
  Candidates candidates_;
  ByKind by_kind_;
};

} // namespace

ByteView trim_transport_key(ByteView key) {
  auto space = [](std::uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!key.empty() && space(key.front()))
    key = key.subspan(1);
  while (!key.empty() && space(key.back()))
    key = key.first(key.size() - 1);
  return key;
}

Result<Bundle> BundleReader::open(std::span<const InputFile> inputs, ByteView transport_key,
                                  const ProgressFn& progress,
                                  const CertificatesReadyFn& certificates_ready) const {
  return open(
      inputs,
      [&](std::string_view) { return SecureBytes(transport_key.begin(), transport_key.end()); },
      progress, certificates_ready);
}

Result<Bundle> BundleReader::open(std::span<const InputFile> inputs, const KeyLookup& key_for_reel,
                                  const ProgressFn& progress,
                                  const CertificatesReadyFn& certificates_ready) const {
  return read(inputs, &key_for_reel, progress, certificates_ready);
}

Result<Bundle>
BundleReader::open_certificates_only(std::span<const InputFile> inputs, const ProgressFn& progress,
                                     const CertificatesReadyFn& certificates_ready) const {
  return read(inputs, nullptr, progress, certificates_ready);
}

Result<Bundle> BundleReader::read(std::span<const InputFile> inputs, const KeyLookup* key_for_reel,
                                  const ProgressFn& progress,
                                  const CertificatesReadyFn& certificates_ready) const {
  if (inputs.empty()) return make_error(ErrorCode::kBadInput, "no input: nothing to verify");
  BundleAssembly assembly(limits_, progress, /*secrets_checked=*/key_for_reel != nullptr);
  if (auto e = assembly.find_inner_archives(inputs)) return *e;
  assembly.choose_one_per_kind();
  if (auto e = assembly.unpack_certificates(certificates_ready)) return *e;
  if (auto e = assembly.read_keys(key_for_reel)) return *e;
  return std::move(assembly).finish();
}

} // namespace reelcheck
