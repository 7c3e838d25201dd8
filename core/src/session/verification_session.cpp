#include <algorithm>
#include <deque>
#include <iterator>
#include <map>
#include <string>

#include "bundle/bundle_assembly.hpp"
#include "reelcheck/session.hpp"

namespace reelcheck {
namespace {

// Slices of one archive's `n` certificates for `verifiers`: a share of what is left each, large
// while much is left (a worker's message costs a few ms against ~100 ms of verification), down
// to kMinSlice at the end, so that after an archive's last slice the verifiers finish together.
std::vector<std::pair<std::size_t, std::size_t>> guided_slices(std::size_t n, unsigned verifiers) {
  constexpr std::size_t kMinSlice = 128, kMaxSlice = 1024;
  const std::size_t share = 3 * std::max(1u, verifiers);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t at = 0; at < n;) {
    const std::size_t left = n - at;
    const std::size_t size =
        std::min(left, std::clamp((left + share - 1) / share, kMinSlice, kMaxSlice));
    out.emplace_back(at, size);
    at += size;
  }
  return out;
}

std::string certificate_range(std::size_t archive, std::size_t begin, std::size_t end) {
  return "certificates " + std::to_string(begin + 1) + " to " + std::to_string(end) +
         " of certificate archive " + std::to_string(archive + 1);
}

Error inconsistent(std::string what) {
  return make_error(ErrorCode::kBadInput, "verification is inconsistent: " + std::move(what));
}

// What a slice's verdicts are reached under: the slice's check time, the verifier's own anchors
// (the session refuses them if these are not its terms).
VerificationTerms terms_of(const ChainVerifier& verifier, const CertificateSlice& slice) {
  return {slice.terms.at, verifier.anchors_fingerprint()};
}

} // namespace

VerdictSlice verify_slice(const ChainVerifier& verifier, const CertificateSlice& slice) {
  VerdictSlice out{slice.archive, slice.begin, terms_of(verifier, slice), {}};
  out.verdicts = verifier.verify_all(slice.certificates, slice.terms.at);
  return out;
}

PendingSlice begin_slice(const ChainVerifier& verifier, const CertificateSlice& slice) {
  return PendingSlice{slice.archive, slice.begin, terms_of(verifier, slice),
                      verifier.begin_all(slice.certificates, slice.terms.at)};
}

Result<VerdictSlice> finish_slice(const ChainVerifier& verifier, PendingSlice pending,
                                  std::span<const RsaAnswer> answers) {
  auto verdicts = verifier.finish_all(std::move(pending.verdicts), answers);
  if (!verdicts) return verdicts.error();
  return VerdictSlice{pending.archive, pending.begin, std::move(pending.terms),
                      std::move(*verdicts)};
}

WorkResult run_work(const WorkItem& item, const ChainVerifier& verifier, ByteView transport_key) {
  if (const auto* job = std::get_if<CertificateArchiveJob>(&item))
    return UnpackOutcome{job->archive, unpack_certificate_archive(*job)};
  if (const auto* job = std::get_if<KeysArchiveJob>(&item))
    return read_keys_archive(*job, transport_key);
  return verify_slice(verifier, std::get<CertificateSlice>(item));
}

namespace detail {

// One run of a session: from begin() to the report, or to wipe().
struct SessionRun {
  SessionRun(const Limits& limits, ProgressFn on_progress, bool secrets_checked,
             BundleReader::KeyLookup lookup)
      : progress(std::move(on_progress)), key_for_reel(std::move(lookup)),
        assembly(limits, progress, secrets_checked) {}

  ProgressFn progress;
  BundleReader::KeyLookup key_for_reel;
  detail::BundleAssembly assembly;
  std::size_t next_archive = 0; // the next certificate archive job to hand out
  bool keys_handed_out = false;
  std::deque<CertificateSlice> slices; // cut, not yet handed out
  std::size_t in_flight = 0;
  std::optional<Error> error;
  // Verdicts by archive, then by the slice's first certificate. Once settled they cover every
  // certificate, in the bundle's order, and stay here until the report takes or copies them.
  std::vector<std::map<std::size_t, std::vector<CertificateVerdict>>> verdicts;
  std::size_t certificates_known = 0; // in the archives unpacked so far
  std::size_t verdicts_in = 0;
  // Once settled without an error.
  std::optional<Bundle> bundle;
  bool verdicts_taken = false; // by take_report()

  void fail(Error e) {
    if (!error) error = std::move(e);
  }
  bool failed() const { return error || assembly.any_failure(); }

  // complete()'s three kinds of result and its end, each a function of its own (never inlined):
  // complete() runs once per result, and in the page V8 would otherwise optimise all of it (in
  // the background, on the run's cores) for the loops of its end, which runs once per run.
  [[gnu::noinline]] std::optional<Error> take_unpacked(UnpackOutcome& unpacked, unsigned verifiers,
                                                       const VerificationTerms& terms);
  [[gnu::noinline]] std::optional<Error> take_keys(Result<KeyFiles>& keys);
  [[gnu::noinline]] std::optional<Error> take_verdicts(VerdictSlice& slice,
                                                       const VerificationTerms& terms);
  [[gnu::noinline]] void settle();
  // Once settled: every verdict, in the bundle's order, moved out (take) or copied.
  [[gnu::noinline]] std::vector<CertificateVerdict> gather_verdicts(bool take);
};

std::optional<Error> SessionRun::take_unpacked(UnpackOutcome& unpacked, unsigned verifiers,
                                               const VerificationTerms& terms) {
  const std::size_t archive = unpacked.archive;
  if (archive >= verdicts.size() || archive >= next_archive || assembly.has_result(archive))
    return inconsistent("an archive came back twice, or was never handed out");
  if (!unpacked.result) {
    assembly.add_certificates(archive, std::move(unpacked.result));
    return std::nullopt;
  }
  const auto& job = assembly.certificate_jobs()[archive];
  const auto& certificates = unpacked.result->certificates;
  if (unpacked.result->archive != archive ||
      std::any_of(certificates.begin(), certificates.end(), [&](const CertificateFile& c) {
        return c.archive != job.name || c.slot != job.slot;
      })) {
    return inconsistent("certificates came back under another archive than " + job.name);
  }
  assembly.add_certificates(archive, std::move(unpacked.result));
  const auto added = assembly.certificates(archive);
  certificates_known += added.size();
  if (!failed())
    for (const auto& [offset, count] : guided_slices(added.size(), verifiers))
      slices.push_back(CertificateSlice{archive, offset, added.subspan(offset, count), terms});
  return std::nullopt;
}

std::optional<Error> SessionRun::take_keys(Result<KeyFiles>& keys) {
  if (!keys_handed_out || !assembly.keys_job() || assembly.has_keys())
    return inconsistent("a keys archive came back that was never handed out");
  assembly.add_keys(std::move(keys));
  return std::nullopt;
}

std::optional<Error> SessionRun::take_verdicts(VerdictSlice& slice,
                                               const VerificationTerms& terms) {
  const std::size_t end = slice.begin + slice.verdicts.size();
  if (slice.archive >= verdicts.size() || !assembly.has_certificates(slice.archive))
    return inconsistent("verdicts came back for a certificate archive that was not handed out");
  if (slice.terms.at != terms.at) {
    return inconsistent("verdicts for " + certificate_range(slice.archive, slice.begin, end) +
                        " were reached at " + format_check_time(slice.terms.at) +
                        ", not at the check time " + format_check_time(terms.at));
  }
  if (slice.terms.anchors != terms.anchors) {
    return inconsistent("verdicts for " + certificate_range(slice.archive, slice.begin, end) +
                        " were reached under other trust anchors than this run's");
  }
  const auto sent = assembly.certificates(slice.archive);
  auto& returned = verdicts[slice.archive];
  auto next = returned.lower_bound(slice.begin);
  const bool overlaps_next = next != returned.end() && next->first < end;
  const bool overlaps_previous =
      next != returned.begin() &&
      std::prev(next)->first + std::prev(next)->second.size() > slice.begin;
  if (slice.begin > sent.size() || end > sent.size() || end < slice.begin) {
    return inconsistent("verdicts came back for " +
                        certificate_range(slice.archive, slice.begin, end) + ", of " +
                        std::to_string(sent.size()));
  }
  if (overlaps_next || overlaps_previous) {
    return inconsistent("two verdicts came back for " +
                        certificate_range(slice.archive, slice.begin, end));
  }
  if (auto mismatch =
          check_verdicts_answer(sent.subspan(slice.begin, end - slice.begin), slice.verdicts)) {
    mismatch->message += " (" + certificate_range(slice.archive, slice.begin, end) + ")";
    return mismatch;
  }
  if (!slice.verdicts.empty()) {
    verdicts_in += slice.verdicts.size();
    returned.emplace(slice.begin, std::move(slice.verdicts));
    if (progress) progress(Phase::kVerifying, verdicts_in, certificates_known);
  }
  return std::nullopt;
}

// Settled without an error: the bundle is whole, and every certificate must have its verdict.
// Each slice's verdicts were checked against its certificates as they came back
// (take_verdicts); what is left to check is that each archive's slices cover it without a gap.
// The verdicts are not gathered here: the last result may come back on any thread, and 12,480
// verdicts moved into one vector are 5 MB of that thread's heap touched for the first time, in
// the run's one serial step. The report gathers them, on its caller's thread.
void SessionRun::settle() {
  std::size_t sent = 0, answered = 0;
  for (std::size_t archive = 0; archive < verdicts.size(); ++archive) {
    std::size_t covered = 0;
    for (const auto& [begin, part] : verdicts[archive]) {
      if (begin != covered) break; // a gap: the certificates from there on have no verdict
      covered += part.size();
    }
    sent += assembly.certificates(archive).size();
    answered += covered;
  }
  auto whole = std::move(assembly).finish();
  if (!whole) {
    fail(whole.error());
    return;
  }
  if (answered != sent) {
    fail(make_error(ErrorCode::kBadInput, "verification is incomplete: " + std::to_string(sent) +
                                              " certificates were sent to the verifiers but " +
                                              std::to_string(answered) + " verdicts came back"));
    return;
  }
  bundle.emplace(std::move(whole).value());
}

std::vector<CertificateVerdict> SessionRun::gather_verdicts(bool take) {
  std::vector<CertificateVerdict> all;
  all.reserve(bundle->certificates.size());
  for (auto& by_begin : verdicts)
    for (auto& [begin, part] : by_begin) {
      if (take)
        std::move(part.begin(), part.end(), std::back_inserter(all));
      else
        all.insert(all.end(), part.begin(), part.end());
    }
  if (take) verdicts.clear();
  return all;
}

} // namespace detail

struct VerificationSession::State {
  TrustStore trust;
  VerificationTerms terms;
  Limits limits;
  unsigned verifiers;
  std::unique_ptr<detail::SessionRun> run;

  // An error is known, decided or not: no more work starts.
  bool failed() const { return run && (run->error || run->assembly.any_failure()); }
  // Why a report cannot be made now, given the session's error() and is_open().
  std::optional<Error> check_report(std::optional<Error> error, bool open,
                                    const ReportOptions& options) const;
};

VerificationSession::VerificationSession(TrustStore trust, CheckTime at, Limits limits,
                                         unsigned verifiers)
    : state_(std::make_unique<State>()) {
  state_->trust = std::move(trust);
  state_->terms = {at, state_->trust.fingerprint()};
  state_->limits = limits;
  state_->verifiers = std::max(1u, verifiers);
}
VerificationSession::~VerificationSession() = default;
VerificationSession::VerificationSession(VerificationSession&&) noexcept = default;
VerificationSession& VerificationSession::operator=(VerificationSession&&) noexcept = default;

const TrustStore& VerificationSession::trust() const { return state_->trust; }
const VerificationTerms& VerificationSession::terms() const { return state_->terms; }

std::optional<Error> VerificationSession::begin(std::span<const InputFile> inputs,
                                                BundleReader::KeyLookup key_for_reel,
                                                const ProgressFn& progress) {
  wipe();
  if (inputs.empty()) return make_error(ErrorCode::kBadInput, "no input: nothing to verify");
  const bool secrets = static_cast<bool>(key_for_reel);
  state_->run = std::make_unique<detail::SessionRun>(state_->limits, progress, secrets,
                                                     std::move(key_for_reel));
  if (auto e = state_->run->assembly.find_inner_archives(inputs)) {
    state_->run.reset();
    return e;
  }
  state_->run->verdicts.resize(state_->run->assembly.certificate_jobs().size());
  return std::nullopt;
}

std::optional<Error>
VerificationSession::begin_certificates_only(std::span<const InputFile> inputs,
                                             const ProgressFn& progress) {
  return begin(inputs, BundleReader::KeyLookup{}, progress);
}

std::optional<WorkItem> VerificationSession::next_work(bool with_keys) {
  if (!state_->run || state_->run->bundle) return std::nullopt;
  detail::SessionRun& r = *state_->run;
  // The keys archive first: a wrong key then ends the run before much else is done.
  if (with_keys)
    if (auto job = keys_job()) return *job;
  const auto& jobs = r.assembly.certificate_jobs();
  // After an error only the jobs before it still count: one of them may fail first.
  while (r.next_archive < jobs.size()) {
    const std::size_t archive = r.next_archive++;
    if (r.assembly.error_before(archive)) continue;
    ++r.in_flight;
    return jobs[archive];
  }
  if (state_->failed() || r.slices.empty()) return std::nullopt;
  CertificateSlice slice = r.slices.front();
  r.slices.pop_front();
  ++r.in_flight;
  return slice;
}

std::optional<KeysArchiveJob> VerificationSession::keys_job() {
  // Handed out even after a certificate archive failed: it comes first in the jobs' order, so
  // only its result decides which error is the run's.
  if (!state_->run || state_->run->keys_handed_out || !state_->run->assembly.keys_job())
    return std::nullopt;
  state_->run->keys_handed_out = true;
  ++state_->run->in_flight;
  if (state_->run->progress) state_->run->progress(Phase::kDecrypting, 0, 1);
  return *state_->run->assembly.keys_job();
}

SecureBytes VerificationSession::key_for(const KeysArchiveJob& job) const {
  if (!state_->run || !state_->run->key_for_reel) return {};
  return state_->run->key_for_reel(job.reel_id);
}

std::optional<Error> VerificationSession::complete(WorkResult result) {
  if (!state_->run || state_->run->bundle)
    return make_error(ErrorCode::kBadInput, "no verification is running");
  detail::SessionRun& r = *state_->run;
  if (r.in_flight == 0)
    return r.error = inconsistent("a result came back that was never asked for");
  --r.in_flight;
  std::optional<Error> refused;
  if (auto* unpacked = std::get_if<UnpackOutcome>(&result))
    refused = r.take_unpacked(*unpacked, state_->verifiers, state_->terms);
  else if (auto* keys = std::get_if<Result<KeyFiles>>(&result))
    refused = r.take_keys(*keys);
  else
    refused = r.take_verdicts(std::get<VerdictSlice>(result), state_->terms);
  if (refused) r.fail(*refused);
  if (state_->failed() || !settled()) return refused;
  r.settle();
  return std::nullopt;
}

bool VerificationSession::settled() const {
  if (!state_->run || state_->run->bundle) return true;
  const detail::SessionRun& r = *state_->run;
  if (r.in_flight != 0) return false;
  // The jobs that can still decide the run's error: the keys archive (first in the jobs'
  // order) and every certificate archive before the first that failed.
  if (r.assembly.keys_job() && !r.keys_handed_out) return false;
  const auto& jobs = r.assembly.certificate_jobs();
  for (std::size_t i = r.next_archive; i < jobs.size(); ++i)
    if (!r.assembly.error_before(i)) return false;
  return state_->failed() || r.slices.empty();
}

std::optional<Error> VerificationSession::error() const {
  if (!state_->run) return std::nullopt;
  // The first failed job in the jobs' order, once decided; else anything refused on the way.
  if (auto e = state_->run->assembly.first_error()) return e;
  return state_->run->error;
}

bool VerificationSession::is_open() const {
  return state_->run && state_->run->bundle.has_value();
}
const Bundle& VerificationSession::bundle() const {
  return *state_->run->bundle;
}
std::size_t VerificationSession::certificate_count() const {
  return is_open() ? state_->run->bundle->certificates.size() : 0;
}

std::optional<Error> VerificationSession::State::check_report(std::optional<Error> error, bool open,
                                                              const ReportOptions& options) const {
  if (error) return error;
  if (!open)
    return make_error(ErrorCode::kBadInput,
                      "verification is incomplete: not every certificate has its verdict yet");
  if (run->verdicts_taken)
    return make_error(ErrorCode::kBadInput, "this session's report was already taken");
  if (options.check_time != terms.at)
    return make_error(ErrorCode::kBadInput,
                      "the report's check time " + format_check_time(options.check_time) +
                          " is not the one the certificates were verified at (" +
                          format_check_time(terms.at) + ")");
  return std::nullopt;
}

Result<Report> VerificationSession::report(const ReportOptions& options) const {
  if (auto refused = state_->check_report(error(), is_open(), options)) return *refused;
  return build_report(*state_->run->bundle, state_->run->gather_verdicts(false), state_->trust,
                      options);
}

Result<Report> VerificationSession::take_report(const ReportOptions& options) {
  if (auto refused = state_->check_report(error(), is_open(), options)) return *refused;
  state_->run->verdicts_taken = true;
  return build_report(*state_->run->bundle, state_->run->gather_verdicts(true), state_->trust,
                      options);
}

void VerificationSession::wipe() {
  state_->run.reset();
}

} // namespace reelcheck
