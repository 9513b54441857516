// Allocator facts: usable sizes and process memory statistics (jemalloc when linked).
#pragma once

#include <cstddef>
#include <string>

namespace rkv {

// Bytes the allocator really reserved for p (its size class), 0 for nullptr.
size_t allocation_size(const void* p);

struct MemoryStats {
  size_t allocated = 0;  // the allocator's "allocated" (thread caches included; used_memory() is
                         // the program's own count)
  size_t active = 0;     // bytes in active pages
  size_t resident = 0;   // allocator-resident bytes
  size_t rss = 0;        // process RSS from /proc
};
// Refreshes and reads the allocator's statistics (costs a few microseconds: jemalloc merges
// every arena's counters, ~6 us measured, far too slow to do per command).
MemoryStats memory_stats();

// Live bytes the program holds, as Redis's used_memory counts them (INFO used_memory, and
// what maxmemory is compared with): the usable size of every allocation not yet freed,
// plus map_zeroed() tables. Allocator metadata, thread caches and fragmentation are not in
// it (they are in MemoryStats). With jemalloc it sums the per-thread counters jemalloc
// keeps anyway (thread.allocatedp / thread.deallocatedp: bytes a thread allocated and
// freed), read in place through pointers: two loads per counted thread, no call, so a
// check per command is affordable. Only threads holding a CountedThread are summed.
// Without jemalloc: mallinfo2's figure, a heap walk (0 under sanitizers, whose allocator
// does not report to it).
size_t used_memory();

// Counts the calling thread in used_memory() for its lifetime. Every thread that allocates
// or frees the program's memory holds one: the process's first thread from start-up, the
// lazy-free worker and the I/O helpers. A thread that ends leaves its balance behind (what
// it allocated minus what it freed, negative when it freed others' memory), so the sum
// stays right. REQUIRES: destroyed on the thread that made it, while no other thread is
// inside used_memory() (our threads are joined by the thread that reads it). Up to 256
// threads are counted at once: the server runs at most 130 (io-threads <= 128).
class CountedThread {
 public:
  CountedThread();
  ~CountedThread();
  CountedThread(const CountedThread&) = delete;
  CountedThread& operator=(const CountedThread&) = delete;

 private:
  int slot_ = -1;
};
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
