// One verification, the same for every front end (the CLI's threads, the page's Web Workers):
//
//   open(inputs, key)        unpack the bundle and decrypt its key files
//   plan_slices(n)           cut the certificate list into slices for parallel verifiers
//   certificates(slice)      what one verifier gets
//   add_verdicts(begin, vs)  what it sent back: checked at once against what it was given
//   report(options)          every certificate answered exactly once, or an error
//
// The front ends only move bytes and verdicts around; the rules of the pipeline live here.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <vector>

#include "reelcheck/bundle.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck {

// Certificates [begin, end) of the session's bundle.
struct CertificateSlice {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

class VerificationSession {
public:
  explicit VerificationSession(TrustStore trust, Limits limits = {});

  // Unpacks and decrypts; nullopt on success. Errors are for unusable input only (wrong key,
  // not a bundle, corrupt or over-limit archives); everything else becomes a finding.
  // `certificates_ready` hands out each certificate archive as soon as it is unpacked (see
  // CertificatesReadyFn): verdicts for them are taken once open() has succeeded.
  std::optional<Error> open(std::span<const InputFile> inputs,
                            const BundleReader::KeyLookup& key_for_reel,
                            const ProgressFn& progress = {},
                            const CertificatesReadyFn& certificates_ready = {});
  std::optional<Error> open(std::span<const InputFile> inputs, ByteView transport_key,
                            const ProgressFn& progress = {},
                            const CertificatesReadyFn& certificates_ready = {});
  // Certificates only, without a transport key (BundleReader::open_certificates_only).
  std::optional<Error> open_certificates_only(std::span<const InputFile> inputs,
                                              const ProgressFn& progress = {},
                                              const CertificatesReadyFn& certificates_ready = {});

  bool is_open() const { return bundle_.has_value(); }
  const Bundle& bundle() const { return *bundle_; } // only when is_open()
  const TrustStore& trust() const { return trust_; }
  std::size_t certificate_count() const;

  // Consecutive slices of at most `slice_size` certificates covering the whole bundle.
  std::vector<CertificateSlice> plan_slices(std::size_t slice_size) const;
  // The certificates of a slice (clamped to the bundle).
  std::span<const CertificateFile> certificates(CertificateSlice slice) const;

  // The verdicts for certificates [begin, begin + verdicts.size()), in that order. Slices may
  // come back in any order; a slice that overlaps one already returned, runs past the end, or
  // whose verdicts do not answer its certificates is refused (and nothing of it is kept).
  std::optional<Error> add_verdicts(std::size_t begin, std::vector<CertificateVerdict> verdicts);
  std::size_t verdict_count() const { return verdict_count_; }
  // Forgets every verdict (a new round of verification over the same bundle).
  void clear_verdicts();

  // The report. Fails closed: an error unless every certificate has exactly one verdict.
  Result<Report> report(const ReportOptions& options) const;

  // Drops the bundle (secrets live in wiping buffers) and every verdict.
  void wipe();

private:
  TrustStore trust_;
  Limits limits_;
  std::optional<Bundle> bundle_;
  std::map<std::size_t, std::vector<CertificateVerdict>> returned_; // by first certificate
  std::size_t verdict_count_ = 0;
};

} // namespace reelcheck
