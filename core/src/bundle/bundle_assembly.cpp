// BundleAssembly (bundle_assembly.hpp) and the jobs it hands out: unpacking a certificate
// archive, and decrypting the keys archive and parsing its two key files.
#include "bundle/bundle_assembly.hpp"

#include <algorithm>

#include "archive/entry_name.hpp"
#include "util/format.hpp"
#include "util/text.hpp"

namespace reelcheck {
namespace detail {
namespace {

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
  auto entries = unpack(input.bytes, base_name(input.name), {}, limits, spent);
  return entries.ok() && std::any_of(entries->begin(), entries->end(), [](const ArchiveEntry& e) {
           return parse_inner_archive_name(e.name).has_value();
         });
}

// Only the transport key ties the secrets to Infineon: a key file is taken only when it was
// decrypted with it (from an AES folder whose CRC matched). A plaintext PBS_keys.txt beside
// the encrypted ones, or a keys archive that opens without the key, proves nothing, and a
// second key file of one kind is refused rather than letting archive order pick a winner.
std::optional<Error> read_key_files(const std::vector<ArchiveEntry>& entries,
                                    const std::string& archive_name, KeyFiles& keys) {
  const ArchiveEntry* pbs = nullptr;
  const ArchiveEntry* auth = nullptr;
  for (const auto& entry : entries) {
    const auto base = base_name(entry.name);
    const ArchiveEntry** slot = iequals(base, "PBS_keys.txt")    ? &pbs
                                : iequals(base, "auto_keys.txt") ? &auth
                                                                         : nullptr;
    if (slot == nullptr) {
      keys.findings.push_back(Finding{Severity::kWarning, FindingCode::kUnexpectedFile,
                                        entry.name, 0, "",
                                        "unexpected file in " + archive_name + "; ignored"});
      continue;
    }
    if (!entry.encrypted)
      return make_error(ErrorCode::kKeysNotEncrypted,
                        archive_name + ": " + printable(entry.name) +
                            " is not encrypted with the transport key, so nothing shows it "
                            "came from Infineon; the keys archive may have been tampered with");
    if (*slot != nullptr)
      return make_error(ErrorCode::kDuplicateKeyFile,
                        archive_name + " holds two " + std::string(base) + " files (" +
                            printable((*slot)->name) + " and " +
                            printable(entry.name) +
                            "): which one is genuine cannot be told, so neither is used");
    *slot = &entry;
  }
  const KeyFileParser parser;
  if (pbs != nullptr) {
    keys.pbs = parser.parse(as_bytes(pbs->data), base_name(pbs->name));
  } else {
    keys.findings.push_back(error_finding(FindingCode::kMissingKeyFile, archive_name,
                                            "PBS_keys.txt is missing from the keys archive"));
  }
  if (auth != nullptr) {
    keys.auth = parser.parse(as_bytes(auth->data), base_name(auth->name));
  } else {
    keys.findings.push_back(error_finding(FindingCode::kMissingKeyFile, archive_name,
                                            "auto_keys.txt is missing from the keys archive"));
  }
  return std::nullopt;
}

InnerArchiveKind kind_of(Slot slot) {
  return slot == Slot::kE0E0   ? InnerArchiveKind::kE0E0Certs
         : slot == Slot::kE0E1 ? InnerArchiveKind::kE0E1Certs
                               : InnerArchiveKind::kE0E2Certs;
}

Slot slot_of(InnerArchiveKind kind) {
  return kind == InnerArchiveKind::kE0E0Certs   ? Slot::kE0E0
         : kind == InnerArchiveKind::kE0E1Certs ? Slot::kE0E1
                                                : Slot::kE0E2;
}

} // namespace

BundleAssembly::BundleAssembly(const Limits& limits, const ProgressFn& progress,
                               bool secrets_checked)
    : limits_(limits), remaining_(limits), progress_(progress) {
  bundle_.secrets_checked = secrets_checked;
}

// 1. The inner archives: given directly, or inside outer archives, which may themselves be
//    wrapped (a .zip around the downloaded .7z) up to Limits::max_depth layers.
//    wrapped (a .zip around the downloaded .7z) up to Limits::max_depth layers.
std::optional<Error> BundleAssembly::find_inner_archives(std::span<const InputFile> inputs) {
  struct Pending {
    std::string name;
    ByteView bytes;
    std::uint32_t depth; // outer layers above this archive; 0 = handed over by the user
    std::size_t origin;  // index of the handed-over input
  };
  std::deque<Pending> work;
  for (const InputFile& input : inputs) {
    bundle_.inputs.push_back(std::string(base_name(input.name)));
    work.push_back(Pending{bundle_.inputs.back(), input.bytes, 0, bundle_.inputs.size() - 1});
  }
  input_names_ = bundle_.inputs; // before sorting, by origin
  std::size_t done = 0;
  while (!work.empty()) {
    const Pending item = std::move(work.front());
    work.pop_front();
    const bool handed_over = item.depth == 0;
    if (handed_over) report(Phase::kReading, done++, inputs.size());
    if (parse_inner_archive_name(item.name) &&
        !(handed_over && inputs.size() == 1 &&
          is_outer_bundle(InputFile{item.name, item.bytes}, remaining_, spent_))) {
      std::string base(base_name(item.name));
      candidates_.emplace_back(base, InnerArchive{*parse_inner_archive_name(base), base,
                                                  item.bytes, item.origin});
      continue;
    }
    if (item.depth >= limits_.max_depth)
      return make_error(ErrorCode::kLimitExceeded,
                        item.name + ": archives nested more than " +
                            std::to_string(limits_.max_depth) +
                            " levels deep around the bundle's archives");
    // Outer archives are not encrypted; no key is handed to them.
    auto entries = unpack(item.bytes, base_name(item.name), {}, remaining_, spent_);
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
          parse_inner_archive_name(entry.name).has_value() ||
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
  choose_one_per_kind();
  plan_jobs();
  return std::nullopt;
}


// One archive per kind; the rest are findings. The reel is named by the archives.
void BundleAssembly::choose_one_per_kind() {
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


// 2. The jobs. Certificate archives in name order: a certificate's place in the Bundle is its
//    archive's place, then its name.
void BundleAssembly::plan_jobs() {
  std::vector<const InnerArchive*> archives;
  for (const auto& [kind, archive] : by_kind_)
    if (kind != InnerArchiveKind::kKeys) archives.push_back(&archive);
  std::sort(archives.begin(), archives.end(),
            [](const InnerArchive* a, const InnerArchive* b) { return a->name < b->name; });
  for (const InnerArchive* archive : archives)
    certificate_jobs_.push_back(CertificateArchiveJob{certificate_jobs_.size(), archive->name,
                                                      slot_of(archive->parsed.kind),
                                                      archive->bytes, remaining_});
  certificate_results_.resize(certificate_jobs_.size());
  if (!certificate_jobs_.empty()) report(Phase::kDecompressing, 0, certificate_jobs_.size());
  const auto keys = by_kind_.find(InnerArchiveKind::kKeys);
  if (keys == by_kind_.end()) return; // a missing_archive finding already
  const InnerArchive& archive = keys->second;
  if (!bundle_.secrets_checked) {
    // Listed, never opened: its entry count is not known without the key (headers may be
    // encrypted), and nothing of it is read.
    bundle_.archives.push_back(InnerArchiveInfo{InnerArchiveKind::kKeys, archive.name,
                                                archive.parsed.reel_id, archive.parsed.batch_id,
                                                0});
    return;
  }
  keys_job_ = KeysArchiveJob{archive.name, archive.parsed.reel_id, archive.bytes, remaining_};
}

// 3. Results.
void BundleAssembly::add_certificates(std::size_t archive, Result<UnpackedCertificates> result) {
  if (!result) result = in_bundle(result.error());
  certificate_results_.at(archive).emplace(std::move(result));
  report(Phase::kDecompressing,
         static_cast<std::uint64_t>(std::count_if(certificate_results_.begin(),
                                                  certificate_results_.end(),
                                                  [](const auto& r) { return r.has_value(); })),
         certificate_results_.size());
}

void BundleAssembly::add_keys(Result<KeyFiles> result) {
  if (!result) result = in_bundle(result.error());
  keys_result_.emplace(std::move(result));
  report(Phase::kDecrypting, 1, 1);
}

bool BundleAssembly::has_certificates(std::size_t archive) const {
  return archive < certificate_results_.size() && certificate_results_[archive] &&
         certificate_results_[archive]->ok();
}

bool BundleAssembly::has_result(std::size_t archive) const {
  return archive < certificate_results_.size() && certificate_results_[archive].has_value();
}

std::span<const CertificateFile> BundleAssembly::certificates(std::size_t archive) const {
  if (!has_certificates(archive)) return {};
  return (*certificate_results_[archive])->certificates;
}

std::optional<Error> BundleAssembly::first_error() const {
  // The keys archive comes first: a wrong key is the answer however the certificate archives
  // fare. An error is decided only once no job before it can still fail first.
  if (keys_job_) {
    if (!keys_result_) return std::nullopt;
    if (!keys_result_->ok()) return keys_result_->error();
  }
  for (const auto& result : certificate_results_) {
    if (!result) return std::nullopt;
    if (!result->ok()) return result->error();
  }
  return std::nullopt;
}

bool BundleAssembly::any_failure() const {
  return std::any_of(certificate_results_.begin(), certificate_results_.end(),
                     [](const auto& r) { return r && !r->ok(); }) ||
         (keys_result_ && !keys_result_->ok());
}

bool BundleAssembly::error_before(std::size_t archive) const {
  if (keys_result_ && !keys_result_->ok()) return true;
  for (std::size_t i = 0; i < archive && i < certificate_results_.size(); ++i)
    if (certificate_results_[i] && !certificate_results_[i]->ok()) return true;
  return false;
}

// 4. Everything unpacked is charged in the archives' order (as one thread would have read them),
//    then the Bundle is whole.
Result<Bundle> BundleAssembly::finish() && {
  if (auto e = first_error()) return *e;
  if (any_failure()) return make_error(ErrorCode::kBadInput, "the bundle's archives were not all read");
  std::size_t count = 0;
  for (const auto& result : certificate_results_)
    if (result && result->ok()) count += (*result)->certificates.size();
  bundle_.certificates.reserve(bundle_.certificates.size() + count);
  for (std::size_t i = 0; i < certificate_jobs_.size(); ++i) {
    if (!certificate_results_[i])
      return make_error(ErrorCode::kBadInput, certificate_jobs_[i].name + " was never unpacked");
    UnpackedCertificates& unpacked = certificate_results_[i]->value();
    const CertificateArchiveJob& job = certificate_jobs_[i];
    const auto& parsed = by_kind_.at(kind_of(job.slot)).parsed;
    bundle_.archives.push_back(
        InnerArchiveInfo{kind_of(job.slot), job.name, parsed.reel_id, parsed.batch_id,
                         unpacked.entries});
    for (auto& certificate : unpacked.certificates) {
      if (auto e = charge(certificate.data.size(), certificate.name)) return *e;
      bundle_.certificates.push_back(std::move(certificate));
    }
  }
  if (keys_job_) {
    if (!keys_result_)
      return make_error(ErrorCode::kBadInput, keys_job_->name + " was never opened");
    KeyFiles& keys = keys_result_->value();
    const auto& parsed = by_kind_.at(InnerArchiveKind::kKeys).parsed;
    if (auto e = charge(keys.unpacked_bytes, keys_job_->name)) return *e;
    bundle_.archives.push_back(InnerArchiveInfo{InnerArchiveKind::kKeys, keys_job_->name,
                                                parsed.reel_id, parsed.batch_id, keys.entries});
    bundle_.pbs = std::move(keys.pbs);
    bundle_.auth = std::move(keys.auth);
    for (auto& f : keys.findings)
      bundle_.findings.push_back(std::move(f));
  }
  std::sort(bundle_.archives.begin(), bundle_.archives.end(),
            [](const auto& a, const auto& b) { return a.kind < b.kind; });
  Bundle whole = std::move(bundle_);
  // What the outer layers unpacked (the inner archives' bytes, as large as the bundle) is spent,
  // with everything that viewed it: freed now, before the report is made, rather than with the
  // session, so that the report's memory can be what it used. The results stay: a slice handed
  // out earlier still views their (moved-from) certificates.
  candidates_.clear();
  by_kind_.clear();
  certificate_jobs_.clear();
  keys_job_.reset();
  unpacked_.clear();
  return whole;
}

void BundleAssembly::report(Phase phase, std::uint64_t done, std::uint64_t total) const {
  if (progress_) progress_(phase, done, total);
}

std::optional<Error> BundleAssembly::charge(std::uint64_t bytes, std::string_view what) {
  if (bytes > remaining_.max_total_size)
    return make_error(ErrorCode::kLimitExceeded,
                      std::string(what) + " exceeds the total unpacked size limit of " +
                          format_size(limits_.max_total_size));
  remaining_.max_total_size -= bytes;
  return std::nullopt;
}

// Archives are read against what is left of the bundle's total: say so when that is why.
Error BundleAssembly::in_bundle(Error e) const {
  if (e.code == ErrorCode::kLimitExceeded && remaining_.max_total_size < limits_.max_total_size)
    e.message += " (what is left of the bundle's " + format_size(limits_.max_total_size) +
                 " unpacked size limit)";
  return e;
}

} // namespace detail

Result<UnpackedCertificates> unpack_certificate_archive(const CertificateArchiveJob& job) {
  ArchiveWork spent;
  auto entries = SevenZipReader(job.limits).read(job.bytes, job.name, {}, spent);
  if (!entries) return entries.error();
  UnpackedCertificates out{job.archive, entries->size(), {}};
  out.certificates.reserve(entries->size());
  for (auto& entry : *entries)
    out.certificates.push_back(
        CertificateFile{job.name, std::move(entry.name), job.slot,
                        std::vector<std::uint8_t>(entry.data.begin(), entry.data.end())});
  std::stable_sort(
      out.certificates.begin(), out.certificates.end(),
      [](const CertificateFile& a, const CertificateFile& b) { return a.name < b.name; });
  return out;
}

namespace {

// The transport key as the keys archive takes it: trimmed, present, within the bound.
Result<ByteView> usable_transport_key(ByteView key, std::string_view archive_name) {
  const ByteView transport_key = trim_transport_key(key);
  if (transport_key.empty())
    return make_error(ErrorCode::kPasswordRequired,
                      std::string(archive_name) +
                          " is encrypted: the transport key from the reel's letter is needed");
  if (transport_key.size() > kMaxTransportKeySize)
    return make_error(ErrorCode::kBadInput,
                      "the transport key is longer than " + std::to_string(kMaxTransportKeySize) +
                          " bytes (" + std::to_string(transport_key.size()) +
                          "): that is not the key from a reel's letter; check that the key "
                          "file or variable holds only the key");
  return transport_key;
}

Result<KeyFiles> read_keys(const KeysArchiveJob& job, ByteView transport_key,
                           const SevenZipKey* derived_ahead) {
  ArchiveWork spent;
  const SevenZipReader reader(job.limits);
  auto entries = derived_ahead
                     ? reader.read(job.bytes, job.name, transport_key, spent, *derived_ahead)
                     : reader.read(job.bytes, job.name, transport_key, spent);
  if (!entries) return entries.error();
  KeyFiles keys;
  keys.entries = entries->size();
  keys.key_given = spent.keys_given > 0;
  for (const auto& entry : *entries)
    keys.unpacked_bytes += entry.data.size();
  if (auto e = detail::read_key_files(*entries, job.name, keys)) return *e;
  return keys;
}

} // namespace

Result<KeyFiles> read_keys_archive(const KeysArchiveJob& job, ByteView key) {
  const auto transport_key = usable_transport_key(key, job.name);
  if (!transport_key) return transport_key.error();
  return read_keys(job, *transport_key, nullptr);
}

Result<KeyFiles> read_keys_archive(const KeysArchiveJob& job, ByteView key,
                                   const SevenZipKey& derived_ahead) {
  const auto transport_key = usable_transport_key(key, job.name);
  if (!transport_key) return transport_key.error();
  auto keys = read_keys(job, *transport_key, &derived_ahead);
  // Whatever went wrong with the hint, the transport key alone has the last word: a key derived
  // from another transport key costs a derivation here, never a different answer.
  if (!keys) return read_keys(job, *transport_key, nullptr);
  return keys;
}

Result<SevenZipKey> derive_keys_archive_key(ByteView key) {
  const auto transport_key = usable_transport_key(key, "the keys archive");
  if (!transport_key) return transport_key.error();
  return derive_seven_zip_key(*transport_key);
}

ByteView trim_transport_key(ByteView key) {
  auto space = [](std::uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!key.empty() && space(key.front()))
    key = key.subspan(1);
  while (!key.empty() && space(key.back()))
    key = key.first(key.size() - 1);
  return key;
}

} // namespace reelcheck
