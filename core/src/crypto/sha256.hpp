// SHA-256 as a stream, on the CPU's SHA extensions where it has them (x86-64 SHA-NI), else in
// portable C++ written to keep its working values in registers (the page's WebAssembly uses it).
//
// The 7z AES key derivation hashes 2^19 rounds of (salt, password, counter): 22 MB for a
// typical transport key, about 0.1 s with mbedTLS's portable code, a tenth of a whole reel's
// verification and all of it on the critical path before any secret can be read. The SHA
// instructions do the same in a fifth of the time. The state holds key material: it is wiped
// when the object goes away. Tests force the portable path through reelcheck/testing.hpp, so
// both paths are checked on a CPU that has the instructions, against mbedTLS and OpenSSL
// (tests/sha256_test.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::detail {

class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(ByteView data);
  std::array<std::uint8_t, 32> finish(); // the object is spent afterwards

  // True when streams made now use the SHA instructions: the CPU has them and the test hook
  // (reelcheck/testing.hpp) does not force the portable code (for the bench and the tests).
  static bool hardware_accelerated();
  // The path this stream took when it was made, so a test can prove which one it checked.
  bool uses_sha_instructions() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace reelcheck::detail
