// How the CLI's process takes memory from the kernel, and leaves it at exit (native only:
// the core allocates as it likes; the page's workers touch their heaps once at load,
// web/src/engine/worker.js).
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace reelcheck::cli {

// Call first thing in main(), before the run allocates. A reel's run touches about 57 MiB for
// the first time, a page fault per 4 KiB page (about 17,000; 10-12 µs each on the 2-core
// virtual machine the benchmarks run on), many of them on one thread while the others wait: the
// bundle read before the threads start, the report's chip table after they end. With glibc on
// Linux this keeps large blocks and freed memory in the heap (reused, never faulted again) and
// asks the kernel for transparent huge pages there (2 MiB a fault): 5,000 faults, the run 13%
// shorter and 9% less CPU, peak RSS 63 instead of 57 MiB (11 pairs, 2026-12-04). Elsewhere,
// or when the heap is not where glibc's brk heap would be (under a sanitizer), it does nothing.
void tune_heap_for_one_run();

// For what a command no longer needs just before the process exits: kept, never destroyed. The
// kernel takes the whole heap back at once, where a full reel's report freed block by block is
// about 100,000 frees (5-9 ms at the very end of a run, one core working, the other idle). Held
// from a static, so a leak checker sees it kept, not lost. Never anything holding a secret:
// secrets are wiped as they are freed, and a report with secret values must be freed.
void keep_until_exit(std::shared_ptr<const void> object);
template <class T> void leave_for_exit(T&& object) {
  keep_until_exit(std::make_shared<const std::decay_t<T>>(std::forward<T>(object)));
}

} // namespace reelcheck::cli
