#include <mbedtls/platform_util.h>

#include <atomic>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck {
namespace {
std::atomic<WipeObserver> wipe_observer{nullptr};
} // namespace

void set_wipe_observer(WipeObserver observer) noexcept {
  wipe_observer.store(observer);
}

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data == nullptr || size == 0) return;
  if (const WipeObserver observe = wipe_observer.load(std::memory_order_relaxed))
    observe(data, size);
  mbedtls_platform_zeroize(data, size);
}

} // namespace reelcheck
