// How the CLI's process takes memory from the kernel (native only: the core allocates as it
// likes, and the page's workers touch their heaps once at load instead, web/src/engine/worker.js).
#pragma once

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

} // namespace reelcheck::cli
