// One verification run, owned by the core and the same for every front end. The front ends
// (the CLI's threads, the page's Web Workers) only carry work items to wherever there is an idle
// core, and their results back; what the work is, in what order, how it is cut, and whether
// what came back answers it, is decided here.
//
//   VerificationSession session(trust, check_time);   the terms every verdict must echo
//   session.begin(inputs, key_for_reel)               outer layers read; the jobs are known
//   while (!session.settled())
//     item = session.next_work()                      nothing now: wait for results in flight
//     result = run_work(item, verifier, key)          anywhere: another thread or worker
//     session.complete(result)                        checked at once; may release more work
//   session.take_report(options)                      every certificate answered exactly once
//
// The work: one job per certificate archive (unpack), the keys archive (key derivation and
// decryption: where the key is), and slices of certificates to verify, cut as each archive is
// unpacked (guided: large while much is left, smaller towards the end, so every verifier
// finishes at about the same time). A slice names the check time and a fingerprint of the trust
// anchors; its verdicts must come back under the same ones, or they are refused.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "reelcheck/bundle.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck {

// What verdicts were reached under: the check time and the anchors (TrustStore::fingerprint()).
struct VerificationTerms {
  CheckTime at = 0;
  std::string anchors; // 64 hex digits
  friend bool operator==(const VerificationTerms&, const VerificationTerms&) = default;
};

// Certificates [begin, begin + certificates.size()) of certificate archive `archive` (its
// place among the bundle's certificate archives, by name).
struct CertificateSlice {
  std::size_t archive = 0;
  std::size_t begin = 0;
  std::span<const CertificateFile> certificates; // valid while the session is open
  VerificationTerms terms;
};
struct VerdictSlice {
  std::size_t archive = 0;
  std::size_t begin = 0;
  VerificationTerms terms; // what the verifier used: its own anchors, the slice's time
  std::vector<CertificateVerdict> verdicts;
};
// The one way a slice is verified, in every front end.
VerdictSlice verify_slice(const ChainVerifier& verifier, const CertificateSlice& slice);
// The same in two steps, for a front end that has the slice's RSA signatures verified elsewhere
// (the page: WebCrypto, ChainVerifier::begin_all): the questions are in
// pending.verdicts.rsa_questions(); finish_slice takes one answer per question, in order.
struct PendingSlice {
  std::size_t archive = 0;
  std::size_t begin = 0;
  VerificationTerms terms; // what the verdicts will carry
  PendingVerdicts verdicts;
};
PendingSlice begin_slice(const ChainVerifier& verifier, const CertificateSlice& slice);
Result<VerdictSlice> finish_slice(const ChainVerifier& verifier, PendingSlice pending,
                                  std::span<const RsaAnswer> answers);

// A certificate archive's job came back: its certificates, or why not.
struct UnpackOutcome {
  std::size_t archive = 0;
  Result<UnpackedCertificates> result;
};

using WorkItem = std::variant<CertificateArchiveJob, KeysArchiveJob, CertificateSlice>;
using WorkResult = std::variant<UnpackOutcome, Result<KeyFiles>, VerdictSlice>;
// Runs one item. `transport_key` is only read for the keys archive.
WorkResult run_work(const WorkItem& item, const ChainVerifier& verifier, ByteView transport_key);

class VerificationSession {
public:
  // verifiers: how many threads or workers take slices; it only shapes the slices.
  VerificationSession(TrustStore trust, CheckTime at, Limits limits = {}, unsigned verifiers = 1);
  ~VerificationSession();
  VerificationSession(VerificationSession&&) noexcept;
  VerificationSession& operator=(VerificationSession&&) noexcept;

  const TrustStore& trust() const;
  const VerificationTerms& terms() const;

  // Reads what was handed over down to the bundle's inner archives (outer .7z/.zip layers are
  // unpacked here, on the caller's thread) and plans the jobs. Errors are for unusable input
  // only. `inputs` must outlive the session's work. key_for_reel is asked once, by
  // key_for(), for the reel the archives name.
  std::optional<Error> begin(std::span<const InputFile> inputs,
                             BundleReader::KeyLookup key_for_reel,
                             const ProgressFn& progress = {});
  // The certificates only (BundleReader::open_certificates_only): no keys job.
  std::optional<Error> begin_certificates_only(std::span<const InputFile> inputs,
                                               const ProgressFn& progress = {});

  // The next item to run, or nullopt when there is none now (results in flight may release
  // more; settled() says when there never will be). The keys archive first (unless with_keys
  // is false: a front end that runs it itself, where the key is, takes it with keys_job()),
  // then the certificate archives, then slices in order.
  std::optional<WorkItem> next_work(bool with_keys = true);
  // The keys archive's job, once (nullopt when there is none, or it was handed out).
  std::optional<KeysArchiveJob> keys_job();
  // The transport key for the keys archive, from key_for_reel (empty: none).
  SecureBytes key_for(const KeysArchiveJob& job) const;

  // A result. An error of a job is the run's outcome (the first one in the archives' order);
  // verdicts that do not answer their slice, or came back under other terms, are refused, and
  // the run fails with that.
  std::optional<Error> complete(WorkResult result);

  // Nothing left to hand out and nothing in flight.
  bool settled() const;
  // The run's error, as soon as it is decided: a refused result at once; a job's error once
  // every job before it is in (the jobs' order: the keys archive, then the certificate
  // archives by name; the first failed one is the run's error, whichever finished first).
  std::optional<Error> error() const;

  // Once settled without an error: the bundle, and the report. Fails closed: every
  // certificate must have exactly one verdict, for itself, under the session's terms.
  bool is_open() const;
  const Bundle& bundle() const; // only when is_open()
  std::size_t certificate_count() const;
  Result<Report> report(const ReportOptions& options) const;
  // The same report, for a front end that needs only one: the verdicts move into it instead of
  // being copied (12,480 of them on a full reel). Afterwards report() and take_report() refuse.
  Result<Report> take_report(const ReportOptions& options);

  // Drops the bundle (secrets live in wiping buffers), the inputs' views and every verdict.
  void wipe();

private:
  struct State; // the trust store, the terms, the limits and the run in progress
  std::unique_ptr<State> state_;
};

} // namespace reelcheck
