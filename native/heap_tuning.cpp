#include "heap_tuning.hpp"

#include <cstdint>
#include <cstdlib> // before the test below: it defines __GLIBC__
#include <vector>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace reelcheck::cli {

void tune_heap_for_one_run() {
#if defined(__linux__) && defined(__GLIBC__)
  // Blocks up to 256 MiB from the heap rather than a mapping of their own (freed, a mapping
  // goes back to the kernel and the next block faults again), no trimming of freed memory, and
  // the heap grown 64 MiB at a time.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
  // Grow the heap once by a block that is never touched (no memory is used until a page is
  // written), advise huge pages over it and give it back: the run's blocks are then cut from
  // there. Only when the block was cut from the top of the brk heap (it ends in what the heap
  // grew by): a block mapped elsewhere (a sanitizer's allocator) is left alone.
  constexpr std::size_t kReserve = 96u << 20;
  constexpr std::uintptr_t kHugePage = 2u << 20;
  const auto top_before = reinterpret_cast<std::uintptr_t>(sbrk(0));
  void* block = std::malloc(kReserve);
  if (!block) return;
  const auto at = reinterpret_cast<std::uintptr_t>(block);
  const auto top_after = reinterpret_cast<std::uintptr_t>(sbrk(0));
  if (top_after > top_before && at + kReserve > top_before && at + kReserve <= top_after) {
    const std::uintptr_t begin = (at + kHugePage - 1) & ~(kHugePage - 1);
    const std::uintptr_t end = top_after & ~(kHugePage - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
  std::free(block);
#endif
}

void keep_until_exit(std::shared_ptr<const void> object) {
  static auto* const kept = new std::vector<std::shared_ptr<const void>>; // never deleted
  kept->push_back(std::move(object));
}

} // namespace reelcheck::cli
