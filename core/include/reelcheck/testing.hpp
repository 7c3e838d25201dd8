// Hooks for test programs only, as mbedTLS keeps its own behind MBEDTLS_TEST_HOOKS: a test program
// links reelcheck_test_hooks (core/CMakeLists.txt), which defines REELCHECK_TEST_HOOKS and holds
// them; the CLI's and the page's core have none, and this header refuses to compile there.
#pragma once

#include <cstddef>

#ifndef REELCHECK_TEST_HOOKS
#error                                                                                             \
    "reelcheck/testing.hpp is for test programs: the core must be built with REELCHECK_TEST_HOOKS"
#endif

namespace reelcheck::testing {

// Called with each buffer just before secure_wipe() zeroes it, so a test can prove that key
// copies are wiped. nullptr (the default) means nobody is told.
using WipeObserver = void (*)(const void* data, std::size_t size) noexcept;
void set_wipe_observer(WipeObserver observer) noexcept;

// While on, every SHA-256 stream created afterwards takes the portable code even where the CPU
// has the SHA instructions, so that one machine tests both paths. Streams already made keep
// their path. Returns the previous setting (off by default).
bool force_portable_sha256(bool on) noexcept;

} // namespace reelcheck::testing
