#include "session_runner.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace reelcheck::cli {

std::optional<Error> run_session(VerificationSession& session, unsigned jobs,
                                 const RunWorkFn& run) {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<Error> failure;

  auto worker = [&] {
    std::unique_lock lock(mutex);
    try {
      lock.unlock();
      const ChainVerifier verifier(session.trust());
      lock.lock();
      for (;;) {
        if (failure) return;
        std::optional<WorkItem> item = session.next_work();
        if (!item) {
          if (session.settled()) return;
          changed.wait(lock);
          continue;
        }
        lock.unlock();
        SecureBytes key;
        if (const auto* keys = std::get_if<KeysArchiveJob>(&*item)) key = session.key_for(*keys);
        WorkResult result = run ? run(*item, verifier, as_bytes(key))
                                : run_work(*item, verifier, as_bytes(key));
        lock.lock();
        session.complete(std::move(result));
        changed.notify_all();
      }
    } catch (const std::exception& e) {
      if (!lock.owns_lock()) lock.lock();
      if (!failure)
        failure = make_error(ErrorCode::kBadInput,
                             std::string("certificate verification stopped: ") + e.what());
      changed.notify_all();
    }
  };

  jobs = std::max(1u, jobs);
  std::vector<std::jthread> threads;
  for (unsigned i = 1; i < jobs; ++i)
    threads.emplace_back(worker);
  worker();
  threads.clear();
  if (failure) return failure;
  return session.error();
}

} // namespace reelcheck::cli
