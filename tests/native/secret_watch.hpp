// Watches the copies of one secret text while a test runs, through two observers: the core's
// wipe hook (buffers wiped while holding it), and replaced global allocation functions
// (secret_watch.cpp, in this test program only) that search every block freed through
// operator delete for it — an iostream buffer, a std::string copy or a buffer left behind by a
// reallocation would show up there.
#pragma once

#include <cstddef>
#include <string_view>

namespace reelcheck::test {

class SecretWatch {
public:
  explicit SecretWatch(std::string_view secret); // at most 255 bytes
  ~SecretWatch() { stop(); }
  SecretWatch(const SecretWatch&) = delete;
  SecretWatch& operator=(const SecretWatch&) = delete;

  void stop();
  int freed_unwiped() const; // blocks freed while still holding the secret
  int wiped() const;         // buffers wiped while holding it
  // Whether memory holds the secret last watched (also after stop()).
  static bool holds(const void* data, std::size_t size);
};

} // namespace reelcheck::test
