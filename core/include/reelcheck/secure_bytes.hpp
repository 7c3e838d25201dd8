// Buffers that wipe themselves: every byte of key material or decrypted secrets lives in a
// SecureBytes, whose allocator zeroizes memory before returning it (also on reallocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <string_view>
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

// Text that may hold secrets (a report or a lookup answer with PBS and authorization values):
// every buffer it outgrows is wiped as it is released. The characters of a short string live
// inside the object itself (small-string optimisation), out of the allocator's reach, so make
// one with secure_text(), which reserves past that before anything is written.
using SecureString = std::basic_string<char, std::char_traits<char>, ZeroizingAllocator<char>>;
inline SecureString secure_text(std::size_t expected_size = 0) {
  SecureString s;
  s.reserve(expected_size < 256 ? 256 : expected_size);
  return s;
}
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(const SecureBytes& b) {
  return {b.data(), b.size()};
}

} // namespace reelcheck
