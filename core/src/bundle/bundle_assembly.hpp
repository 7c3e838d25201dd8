// One bundle being put together from what the user handed over. BundleReader runs its steps in
// order on one thread; VerificationSession hands the jobs of step 2 to a front end's threads or
// Web Workers and feeds their results back in whatever order they finish.
//
//   1. find_inner_archives  outer layers unpacked, the four inner archives recognised
//   2. jobs                 one per certificate archive, and the keys archive
//   3. add_*                their results, in any order
//   4. finish               charged against the bundle's limits in the archives' order; the
//                           first error in the jobs' order (keys, then certificates), or the
//                           Bundle
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bundle/inner_archive_name.hpp"
#include "reelcheck/bundle.hpp"

namespace reelcheck::detail {

class BundleAssembly {
public:
  // secrets_checked false: certificates only (the keys archive is listed, never opened).
  BundleAssembly(const Limits& limits, const ProgressFn& progress, bool secrets_checked);

  std::optional<Error> find_inner_archives(std::span<const InputFile> inputs);

  const std::vector<CertificateArchiveJob>& certificate_jobs() const { return certificate_jobs_; }
  // The keys archive, when there is one and the secrets are checked.
  const std::optional<KeysArchiveJob>& keys_job() const { return keys_job_; }

  // Results. A certificate archive's certificates stay where they are until finish(): views of
  // them (certificates()) remain valid while more results come in.
  void add_certificates(std::size_t archive, Result<UnpackedCertificates> result);
  void add_keys(Result<KeyFiles> result);
  bool has_certificates(std::size_t archive) const; // unpacked without an error
  bool has_result(std::size_t archive) const;       // either way
  bool has_keys() const { return keys_result_.has_value(); }
  std::span<const CertificateFile> certificates(std::size_t archive) const;
  // The first error in the jobs' order (the keys archive, then the certificate archives by
  // name), once it is decided: every job before it is in.
  std::optional<Error> first_error() const;
  // Whether any job failed (decided or not): no more work should start.
  bool any_failure() const;
  // Whether a failed job sorts before certificate archive `archive` (the keys archive sorts
  // first): only jobs that could change which error is first still need to run.
  bool error_before(std::size_t archive) const;

  // Every job's result must be in. Moves the certificates into the Bundle.
  Result<Bundle> finish() &&;

private:
  std::optional<Error> charge(std::uint64_t bytes, std::string_view what);
  Error in_bundle(Error e) const;
  void report(Phase phase, std::uint64_t done, std::uint64_t total) const;
  void choose_one_per_kind();
  void plan_jobs();

  struct InnerArchive {
    InnerArchiveName parsed;
    std::string name;
    ByteView bytes;
    std::size_t origin; // the handed-over input it came from (itself, or an outer archive)
  };
  const Limits limits_; // a copy: the session that made this assembly may move
  Limits remaining_;
  ArchiveWork spent_; // key derivation while unpacking the outer layers
  const ProgressFn& progress_;
  Bundle bundle_;
  std::vector<std::string> input_names_; // the handed-over inputs, by origin
  std::deque<ArchiveEntry> unpacked_;    // owns what outer archives unpacked; views point into it
  std::vector<std::pair<std::string, InnerArchive>> candidates_;
  std::map<InnerArchiveKind, InnerArchive> by_kind_;
  std::vector<CertificateArchiveJob> certificate_jobs_;
  std::optional<KeysArchiveJob> keys_job_;
  std::vector<std::optional<Result<UnpackedCertificates>>> certificate_results_;
  std::optional<Result<KeyFiles>> keys_result_;
};

} // namespace reelcheck::detail
