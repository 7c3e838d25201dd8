// Buffers that wipe themselves: every byte of key material or decrypted secrets lives in a
// SecureBytes, whose allocator zeroizes memory before returning it (also on reallocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <vector>

namespace reelcheck {

// Overwrites memory in a way the optimiser may not remove (mbedtls_platform_zeroize).
void secure_wipe(void* data, std::size_t size) noexcept;

// For tests that prove key copies are wiped: called with each buffer just before secure_wipe
// zeroes it. Never set in production (nullptr, the default, means nobody is told).
using WipeObserver = void (*)(const void* data, std::size_t size) noexcept;
void set_wipe_observer(WipeObserver observer) noexcept;

template <class T> struct ZeroizingAllocator {
  using value_type = T;
  ZeroizingAllocator() noexcept = default;
  template <class U> ZeroizingAllocator(const ZeroizingAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept {
    secure_wipe(p, n * sizeof(T));
    ::operator delete(p);
  }
  template <class U> bool operator==(const ZeroizingAllocator<U>&) const noexcept { return true; }
};

using SecureBytes = std::vector<std::uint8_t, ZeroizingAllocator<std::uint8_t>>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(const SecureBytes& b) {
  return {b.data(), b.size()};
}

} // namespace reelcheck
