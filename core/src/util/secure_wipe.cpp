#include <mbedtls/platform_util.h>

#include "reelcheck/secure_bytes.hpp"

#ifdef REELCHECK_TEST_HOOKS
#include <atomic>

#include "reelcheck/testing.hpp"

namespace reelcheck::testing {
namespace {
std::atomic<WipeObserver> wipe_observer{nullptr};
} // namespace

void set_wipe_observer(WipeObserver observer) noexcept {
  wipe_observer.store(observer);
}

static void observe(const void* data, std::size_t size) noexcept {
  if (const WipeObserver o = wipe_observer.load(std::memory_order_relaxed)) o(data, size);
}

} // namespace reelcheck::testing
#endif

namespace reelcheck {

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data == nullptr || size == 0) return;
#ifdef REELCHECK_TEST_HOOKS
  testing::observe(data, size);
#endif
  mbedtls_platform_zeroize(data, size);
}

} // namespace reelcheck
