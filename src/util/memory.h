// Allocator facts: usable sizes and process memory statistics (jemalloc when linked).
#pragma once

#include <cstddef>
#include <string>

namespace rkv {

// Bytes the allocator really reserved for p (its size class), 0 for nullptr.
size_t allocation_size(const void* p);

struct MemoryStats {
  size_t allocated = 0;  // bytes handed out to the program (used_memory)
  size_t active = 0;     // bytes in active pages
  size_t resident = 0;   // allocator-resident bytes
  size_t rss = 0;        // process RSS from /proc
};
// Refreshes and reads the allocator's statistics (costs a few microseconds).
MemoryStats memory_stats();
const char* allocator_name();  // "jemalloc-5.3.0" or "libc"
// jemalloc's malloc_stats_print report (MEMORY MALLOC-STATS); false without jemalloc.
bool allocator_stats_text(std::string* out);
// Hands unused dirty pages back to the kernel (MEMORY PURGE): every jemalloc arena, or
// malloc_trim with glibc. False when the allocator refused.
bool allocator_purge();

// Zeroed memory for big tables straight from the kernel: fresh anonymous pages are
// zero already and are faulted in as they are touched, so a 128 MB hash-table array costs
// no memset pause (calloc of reused allocator memory must clear it all at once).
// Bytes mapped this way are added to memory_stats().allocated. nullptr on failure.
void* map_zeroed(size_t bytes);
void unmap_zeroed(void* p, size_t bytes);

// Like Redis: an allocation failure is fatal, logged and abort()ed, never thrown.
[[noreturn]] void out_of_memory(size_t bytes);

}  // namespace rkv
