// BundleReader: the bundle's reading on one thread, every job in the archives' order (the
// session hands the same jobs to several threads or workers).
#include "bundle/bundle_assembly.hpp"
#include "reelcheck/bundle.hpp"

namespace reelcheck {
namespace {

// key_for_reel == nullptr: certificates only.
Result<Bundle> read(const Limits& limits, std::span<const InputFile> inputs,
                    const BundleReader::KeyLookup* key_for_reel, const ProgressFn& progress) {
  if (inputs.empty()) return make_error(ErrorCode::kBadInput, "no input: nothing to verify");
  detail::BundleAssembly assembly(limits, progress, /*secrets_checked=*/key_for_reel != nullptr);
  if (auto e = assembly.find_inner_archives(inputs)) return *e;
  // The jobs' order: the keys archive first (a wrong key is the answer whatever else is wrong),
  // then the certificate archives by name; the first error ends the run.
  if (const auto& job = assembly.keys_job()) {
    if (progress) progress(Phase::kDecrypting, 0, 1);
    const SecureBytes key = *key_for_reel ? (*key_for_reel)(job->reel_id) : SecureBytes{};
    assembly.add_keys(read_keys_archive(*job, as_bytes(key)));
    if (auto e = assembly.first_error()) return *e;
  }
  for (const auto& job : assembly.certificate_jobs()) {
    assembly.add_certificates(job.archive, unpack_certificate_archive(job));
    if (auto e = assembly.first_error()) return *e;
  }
  return std::move(assembly).finish();
}

} // namespace

Result<Bundle> BundleReader::open(std::span<const InputFile> inputs, ByteView transport_key,
                                  const ProgressFn& progress) const {
  return open(
      inputs,
      [&](std::string_view) { return SecureBytes(transport_key.begin(), transport_key.end()); },
      progress);
}

Result<Bundle> BundleReader::open(std::span<const InputFile> inputs, const KeyLookup& key_for_reel,
                                  const ProgressFn& progress) const {
  return read(limits_, inputs, &key_for_reel, progress);
}

Result<Bundle> BundleReader::open_certificates_only(std::span<const InputFile> inputs,
                                                    const ProgressFn& progress) const {
  return read(limits_, inputs, nullptr, progress);
}


} // namespace reelcheck
