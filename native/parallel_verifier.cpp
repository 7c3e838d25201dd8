#include "parallel_verifier.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace reelcheck::cli {

std::vector<CertificateVerdict> verify_in_parallel(const std::vector<CertificateFile>& certificates,
                                                   const TrustStore& trust, CheckTime at,
                                                   unsigned jobs, const VerifyProgress& progress) {
  constexpr std::size_t kSlice = 32; // small enough to balance, large enough to amortise
  const std::size_t total = certificates.size();
  std::vector<CertificateVerdict> verdicts(total);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};

  auto worker = [&] {
    const ChainVerifier verifier(trust);
    for (;;) {
      const std::size_t begin = next.fetch_add(kSlice);
      if (begin >= total) return;
      const std::size_t end = std::min(total, begin + kSlice);
      for (std::size_t i = begin; i < end; ++i)
        verdicts[i] = verifier.verify(certificates[i], at);
      done.fetch_add(end - begin);
    }
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
  if (progress) progress(total, total);
  return verdicts;
}

} // namespace reelcheck::cli
