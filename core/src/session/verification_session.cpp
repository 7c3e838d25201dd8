#include <algorithm>
#include <string>

#include "reelcheck/session.hpp"

namespace reelcheck {

VerificationSession::VerificationSession(TrustStore trust, Limits limits)
    : trust_(std::move(trust)), limits_(limits) {}

std::optional<Error> VerificationSession::open(std::span<const InputFile> inputs,
                                               const BundleReader::KeyLookup& key_for_reel,
                                               const ProgressFn& progress,
                                               const CertificatesReadyFn& certificates_ready) {
  wipe();
  auto opened = BundleReader(limits_).open(inputs, key_for_reel, progress, certificates_ready);
  if (!opened) return opened.error();
  bundle_.emplace(std::move(opened).value());
  return std::nullopt;
}

std::optional<Error> VerificationSession::open(std::span<const InputFile> inputs,
                                               ByteView transport_key, const ProgressFn& progress,
                                               const CertificatesReadyFn& certificates_ready) {
  return open(
      inputs,
      [&](std::string_view) { return SecureBytes(transport_key.begin(), transport_key.end()); },
      progress, certificates_ready);
}

std::optional<Error>
VerificationSession::open_certificates_only(std::span<const InputFile> inputs,
                                            const ProgressFn& progress,
                                            const CertificatesReadyFn& certificates_ready) {
  wipe();
  auto opened = BundleReader(limits_).open_certificates_only(inputs, progress, certificates_ready);
  if (!opened) return opened.error();
  bundle_.emplace(std::move(opened).value());
  return std::nullopt;
}

std::size_t VerificationSession::certificate_count() const {
  return bundle_ ? bundle_->certificates.size() : 0;
}

std::vector<CertificateSlice> VerificationSession::plan_slices(std::size_t slice_size) const {
  slice_size = std::max<std::size_t>(1, slice_size);
  std::vector<CertificateSlice> plan;
  const std::size_t total = certificate_count();
  for (std::size_t begin = 0; begin < total; begin += slice_size)
    plan.push_back(CertificateSlice{begin, std::min(total, begin + slice_size)});
  return plan;
}

std::span<const CertificateFile> VerificationSession::certificates(CertificateSlice slice) const {
  if (!bundle_) return {};
  const std::span<const CertificateFile> all(bundle_->certificates);
  const std::size_t begin = std::min(slice.begin, all.size());
  const std::size_t end = std::clamp(slice.end, begin, all.size());
  return all.subspan(begin, end - begin);
}

std::optional<Error> VerificationSession::add_verdicts(std::size_t begin,
                                                       std::vector<CertificateVerdict> verdicts) {
  if (!bundle_) return make_error(ErrorCode::kBadInput, "no bundle is open");
  const std::size_t total = bundle_->certificates.size();
  const std::size_t end = begin + verdicts.size();
  if (begin > total || end > total || end < begin)
    return make_error(ErrorCode::kBadInput,
                      "verification is inconsistent: verdicts came back for certificates " +
                          std::to_string(begin + 1) + " to " + std::to_string(end) + " of " +
                          std::to_string(total));
  if (verdicts.empty()) return std::nullopt;
  // Overlap with the neighbours on either side: two verdicts for one certificate.
  auto next = returned_.lower_bound(begin);
  const bool overlaps_next = next != returned_.end() && next->first < end;
  const bool overlaps_previous =
      next != returned_.begin() && std::prev(next)->first + std::prev(next)->second.size() > begin;
  if (overlaps_next || overlaps_previous)
    return make_error(ErrorCode::kBadInput,
                      "verification is inconsistent: two verdicts came back for certificates " +
                          std::to_string(begin + 1) + " to " + std::to_string(end));
  if (auto mismatch = check_verdicts_answer(certificates({begin, end}), verdicts)) {
    mismatch->message +=
        " (in the slice starting at certificate " + std::to_string(begin + 1) + ")";
    return mismatch;
  }
  verdict_count_ += verdicts.size();
  returned_.emplace(begin, std::move(verdicts));
  return std::nullopt;
}

Result<Report> VerificationSession::report(const ReportOptions& options) const {
  if (!bundle_) return make_error(ErrorCode::kBadInput, "no bundle is open");
  std::vector<CertificateVerdict> all;
  all.reserve(bundle_->certificates.size());
  for (const auto& [begin, part] : returned_) {
    if (begin != all.size())
      return make_error(ErrorCode::kBadInput,
                        "verification is incomplete: no verdicts came back for certificates " +
                            std::to_string(all.size() + 1) + " to " + std::to_string(begin));
    all.insert(all.end(), part.begin(), part.end());
  }
  // Fail closed: exactly one verdict per certificate, each for its own certificate.
  if (auto mismatch = check_verdicts_answer(bundle_->certificates, all)) return *mismatch;
  return build_report(*bundle_, std::move(all), trust_, options);
}

void VerificationSession::clear_verdicts() {
  returned_.clear();
  verdict_count_ = 0;
}

void VerificationSession::wipe() {
  bundle_.reset();
  clear_verdicts();
}

} // namespace reelcheck
