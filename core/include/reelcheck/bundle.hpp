// Bundle layer: whatever the user handed over (an outer .7z/.zip, or the inner archives
// directly) becomes a Bundle — the certificate files per slot and the decrypted key files —
// with every structural finding recorded.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/archive.hpp"
#include "reelcheck/certificate.hpp"
#include "reelcheck/finding.hpp"
#include "reelcheck/key_file.hpp"

namespace reelcheck {

// The longest transport key accepted, in bytes after trimming white space. Keys printed on a
// reel's letter are far shorter; the bound keeps a wrong file chosen as the key (a megabyte
// line) from costing a key derivation over megabytes per round.
inline constexpr std::size_t kMaxTransportKeySize = 256;
// The key as used: without the spaces, tabs and line ends around it (a key file's last line
// end, a pasted key's blanks).
ByteView trim_transport_key(ByteView key);

struct InputFile {
  std::string name; // base name as the user sees it
  ByteView bytes;   // not owned; must outlive BundleReader::open()
};

enum class InnerArchiveKind { kE0E0Certs, kE0E1Certs, kE0E2Certs, kKeys };
constexpr std::string_view inner_archive_kind_name(InnerArchiveKind k) {
  switch (k) {
  case InnerArchiveKind::kE0E0Certs: return "E0E0_Certs";
  case InnerArchiveKind::kE0E1Certs: return "E0E1_Certs";
  case InnerArchiveKind::kE0E2Certs: return "E0E2_Certs";
  case InnerArchiveKind::kKeys: return "keys";
  }
  return "keys";
}
inline constexpr InnerArchiveKind kAllInnerArchiveKinds[] = {
    InnerArchiveKind::kE0E0Certs, InnerArchiveKind::kE0E1Certs, InnerArchiveKind::kE0E2Certs,
    InnerArchiveKind::kKeys};
// What a person reads for an archive of the kind (the page's archive list and missing line).
constexpr std::string_view inner_archive_kind_words(InnerArchiveKind k) {
  switch (k) {
  case InnerArchiveKind::kE0E0Certs: return "the E0E0 certificates archive (\u2026_E0E0_Certs.7z)";
  case InnerArchiveKind::kE0E1Certs: return "the E0E1 certificates archive (\u2026_E0E1_Certs.7z)";
  case InnerArchiveKind::kE0E2Certs: return "the E0E2 certificates archive (\u2026_E0E2_Certs.7z)";
  case InnerArchiveKind::kKeys: return "the keys archive (\u2026_keys.7z)";
  }
  return "the keys archive (\u2026_keys.7z)";
}

struct InnerArchiveInfo {
  InnerArchiveKind kind;
  std::string name;     // e.g. R2400017_B7F3C1_E0E0_Certs.7z
  std::string reel_id;  // from the name
  std::string batch_id; // GUID or batch ID, from the name
  std::size_t entries = 0;
};

struct Bundle {
  std::vector<std::string> inputs; // the names the user handed over, sorted
  std::string reel_id;
  std::string batch_id;
  std::vector<InnerArchiveInfo> archives; // found, in kind order
  std::vector<InnerArchiveKind> missing_archives;
  std::vector<CertificateFile> certificates; // sorted by archive, then name
  // false: opened for the certificates only (no transport key); the keys archive was found
  // and listed but not opened, and pbs/auth are empty.
  bool secrets_checked = true;
  KeyFile pbs;                   // PBS_keys.txt
  KeyFile auth;                  // auto_keys.txt
  std::vector<Finding> findings; // structural findings
};

enum class Phase { kReading, kDecompressing, kDecrypting, kVerifying, kReporting };
constexpr std::string_view phase_name(Phase p) {
  switch (p) {
  case Phase::kReading: return "reading";
  case Phase::kDecompressing: return "decompressing";
  case Phase::kDecrypting: return "decrypting";
  case Phase::kVerifying: return "verifying";
  case Phase::kReporting: return "reporting";
  }
  return "reading";
}
using ProgressFn = std::function<void(Phase, std::uint64_t done, std::uint64_t total)>;

// Reading a bundle splits into jobs that depend on nothing but their own bytes, so a front end
// may run them at the same time, on other threads or in other Web Workers: one per certificate
// archive, and the keys archive. Each runs against the limits left after the outer layers were
// unpacked; what they unpacked in sum is charged against the bundle's limits when they are put
// together (VerificationSession, BundleReader), in the archives' order, so the outcome does not
// depend on which job finished first.
struct CertificateArchiveJob {
  std::size_t archive = 0; // its place among the bundle's certificate archives (by name)
  std::string name;        // e.g. R2400017_B7F3C1_E0E0_Certs.7z
  Slot slot = Slot::kE0E0;
  ByteView bytes; // not owned: points into the inputs (or an outer archive) of the session
  Limits limits;
};
struct UnpackedCertificates {
  std::size_t archive = 0;
  std::size_t entries = 0;                   // entries of the archive (= certificates)
  std::vector<CertificateFile> certificates; // sorted by entry name
};
// Errors: unusable input (not a 7z, corrupt, encrypted, over a limit), naming the archive.
Result<UnpackedCertificates> unpack_certificate_archive(const CertificateArchiveJob& job);

struct KeysArchiveJob {
  std::string name;
  std::string reel_id; // whose transport key opens it
  ByteView bytes;      // not owned, as above
  Limits limits;
};
struct KeyFiles {
  std::size_t entries = 0;
  std::uint64_t unpacked_bytes = 0;
  KeyFile pbs;                   // PBS_keys.txt
  KeyFile auth;                  // auto_keys.txt
  std::vector<Finding> findings; // unexpected or missing files
  bool key_given = false; // opened with the key derived ahead (no key derivation in the read)
};
// transport_key: as given (white space around it is trimmed here). Errors: no key, a key
// longer than kMaxTransportKeySize, the wrong key, a key file that is not encrypted with it or
// comes twice, and unusable archives.
Result<KeyFiles> read_keys_archive(const KeysArchiveJob& job, ByteView transport_key);
// The same with the archive's key derived ahead (derive_keys_archive_key), which spares the
// read its key derivation when the archive has 7-Zip's default parameters. It is only a hint:
// when the read fails with it (a key derived from another transport key), the archive is read
// again without it, so the answer is always the one the transport key alone gives.
Result<KeyFiles> read_keys_archive(const KeysArchiveJob& job, ByteView transport_key,
                                   const SevenZipKey& derived_ahead);
// The keys archive's AES key for 7-Zip's default parameters, from the transport key as given
// (trimmed and bounded as read_keys_archive does): half a million SHA-256 rounds, for a core that
// is idle before the keys archive is reached. Errors: no key, a key over the bound, not UTF-8.
Result<SevenZipKey> derive_keys_archive_key(ByteView transport_key);

class BundleReader {
public:
  explicit BundleReader(Limits limits = {}) : limits_(limits) {}
  // transport_key: UTF-8 bytes as printed on the letter. Errors are for unusable input only
  // (wrong key, not a bundle, corrupt or over-limit archives); everything else is a finding.
  Result<Bundle> open(std::span<const InputFile> inputs, ByteView transport_key,
                      const ProgressFn& progress = {}) const;

  // Batch jobs hold one key per reel: the key is asked for once the reel ID is known (from
  // the inner archives' names). An empty result means "no key for this reel".
  using KeyLookup = std::function<SecureBytes(std::string_view reel_id)>;
  Result<Bundle> open(std::span<const InputFile> inputs, const KeyLookup& key_for_reel,
                      const ProgressFn& progress = {}) const;

  // For whoever registers the certificates but does not hold the reel's letter: the
  // certificate archives only. The keys archive is listed, never opened, and no key is asked
  // for; a missing keys archive is a warning, since nothing here needs it.
  Result<Bundle> open_certificates_only(std::span<const InputFile> inputs,
                                        const ProgressFn& progress = {}) const;

private:
  Limits limits_;
};

} // namespace reelcheck
