#include "parallel_verifier.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "reelcheck/report.hpp"

namespace reelcheck::cli {

Result<std::vector<CertificateVerdict>>
verify_in_parallel(const std::vector<CertificateFile>& certificates, const TrustStore& trust,
                   CheckTime at, unsigned jobs, const VerifyProgress& progress,
                   const VerifyFn& verify) {
  constexpr std::size_t kSlice = 32; // small enough to balance, large enough to amortise
  const std::size_t total = certificates.size();
  std::vector<CertificateVerdict> verdicts(total);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex failure_mutex;
  std::optional<Error> failure;

  auto worker = [&] {
    // A thread that fails (out of memory, a bug) must not leave its slots as empty verdicts
    // that the report could count: it records why, and the whole run fails.
    try {
      const ChainVerifier verifier(trust);
      for (;;) {
        const std::size_t begin = next.fetch_add(kSlice);
        if (begin >= total) return;
        const std::size_t end = std::min(total, begin + kSlice);
        for (std::size_t i = begin; i < end; ++i)
          verdicts[i] =
              verify ? verify(verifier, certificates[i], at) : verifier.verify(certificates[i], at);
        done.fetch_add(end - begin);
      }
    } catch (const std::exception& e) {
      const std::lock_guard lock(failure_mutex);
      if (!failure)
        failure = make_error(ErrorCode::kBadInput,
                             std::string("certificate verification stopped: ") + e.what());
    }
    next.store(total); // the others stop too; progress below stops waiting
    done.store(total);
  };

  jobs = std::clamp<unsigned>(jobs, 1,
                              static_cast<unsigned>(std::max<std::size_t>(1, total / kSlice + 1)));
  std::vector<std::jthread> threads;
  for (unsigned i = 1; i < jobs; ++i)
    threads.emplace_back(worker);
  if (progress) {
    // The calling thread reports progress while the others work, then joins in.
    std::jthread last(worker);
    while (done.load() < total) {
      progress(done.load(), total);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } else {
    worker();
  }
  threads.clear();
  if (failure) return *failure;
  // Fail closed: every certificate has its own verdict, in place.
  if (auto mismatch = check_verdicts_answer(certificates, verdicts)) return *mismatch;
  if (progress) progress(total, total);
  return verdicts;
}

} // namespace reelcheck::cli
