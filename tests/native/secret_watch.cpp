#include "native/secret_watch.hpp"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::test {
namespace {

// The text looked for. A fixed buffer, so the watch's own allocations never hold it.
char secret[256] = {};
std::size_t secret_size = 0;
std::atomic<bool> scanning{false};
std::atomic<int> freed_with_secret{0};
std::atomic<int> wiped_with_secret{0};

bool holds_secret(const void* data, std::size_t size) {
  return secret_size != 0 && memmem(data, size, secret, secret_size) != nullptr;
}

void on_wipe(const void* data, std::size_t size) noexcept {
  if (scanning.load() && holds_secret(data, size)) ++wiped_with_secret;
}

} // namespace

void on_free(void* p) noexcept {
  if (p != nullptr && scanning.load() && holds_secret(p, malloc_usable_size(p)))
    ++freed_with_secret;
}

SecretWatch::SecretWatch(std::string_view text) {
  secret_size = std::min(text.size(), sizeof secret - 1);
  std::memcpy(secret, text.data(), secret_size);
  freed_with_secret = 0;
  wiped_with_secret = 0;
  set_wipe_observer(on_wipe);
  scanning = true;
}

void SecretWatch::stop() {
  scanning = false;
  set_wipe_observer(nullptr);
}

int SecretWatch::freed_unwiped() const {
  return freed_with_secret.load();
}

bool SecretWatch::holds(const void* data, std::size_t size) {
  return holds_secret(data, size);
}

int SecretWatch::wiped() const {
  return wiped_with_secret.load();
}

} // namespace reelcheck::test

// Replaced global allocation functions (this test program only).
void* operator new(std::size_t n) {
  if (void* p = std::malloc(n != 0 ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
// Every plain variant is replaced, so that new and delete always pair up (sanitizers check).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n != 0 ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n != 0 ? n : 1);
}
void operator delete(void* p) noexcept {
  reelcheck::test::on_free(p);
  std::free(p);
}
void operator delete[](void* p) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  operator delete(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  operator delete(p);
}
