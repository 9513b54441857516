#include "util/memory.h"

#if defined(__APPLE__)
#include <malloc/malloc.h>
#elif defined(__FreeBSD__)
#include <malloc_np.h>
#else
#include <malloc.h>
#endif
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#ifdef RKV_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif
// ASan replaces malloc and reports nothing to mallinfo2, but counts live bytes itself:
// with it, used_memory (and maxmemory, eviction, their tests) works in sanitizer builds.
#if defined(__SANITIZE_ADDRESS__)
#define RKV_ASAN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RKV_ASAN_ALLOCATOR 1
#endif
#endif
#ifdef RKV_ASAN_ALLOCATOR
// From the sanitizer runtime's public interface (<sanitizer/allocator_interface.h>, which
// GCC does not install).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace rkv {

size_t allocation_size(const void* p) {
  if (!p) return 0;
#if defined(__APPLE__)
  return malloc_size(p);
#else
  return malloc_usable_size(const_cast<void*>(p));
#endif
}

namespace {
std::atomic<size_t> g_mapped_bytes{0};

size_t read_rss() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long pages_total = 0, pages_rss = 0;
  int n = std::fscanf(f, "%lu %lu", &pages_total, &pages_rss);
  std::fclose(f);
  return n == 2 ? pages_rss * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}
}  // namespace

#ifdef RKV_HAVE_JEMALLOC
namespace {
// The counted threads' jemalloc counters. A slot is claimed and released under the mutex;
// used_memory() reads slots [0, g_slots_end) without it (see CountedThread's REQUIRES).
constexpr int kMaxCountedThreads = 256;
struct CounterSlot {
  std::atomic<const uint64_t*> allocated{nullptr};
  std::atomic<const uint64_t*> deallocated{nullptr};
};
CounterSlot g_slots[kMaxCountedThreads];
std::atomic<int> g_slots_end{0};
std::atomic<int64_t> g_ended_balance{0};  // what threads that ended left allocated
std::mutex g_slots_mu;

// jemalloc writes its thread's counters with plain stores; an aligned 8-byte load sees
// either the old or the new value, and the atomic_ref keeps the compiler from caching it.
uint64_t read_counter(const uint64_t* p) {
  return std::atomic_ref<uint64_t>(*const_cast<uint64_t*>(p)).load(std::memory_order_relaxed);
}

int64_t thread_balance(const uint64_t* allocated, const uint64_t* deallocated) {
  return static_cast<int64_t>(read_counter(allocated) - read_counter(deallocated));
}

// The process's first thread (it runs static initialisation) is counted from the start.
const CountedThread g_first_thread;
}  // namespace

CountedThread::CountedThread() {
  uint64_t* allocated = nullptr;
  uint64_t* deallocated = nullptr;
  size_t sz = sizeof(allocated);
  if (mallctl("thread.allocatedp", &allocated, &sz, nullptr, 0) != 0 ||
      mallctl("thread.deallocatedp", &deallocated, &sz, nullptr, 0) != 0)
    return;
  std::lock_guard lock(g_slots_mu);
  for (int i = 0; i < kMaxCountedThreads; i++) {
    if (g_slots[i].allocated.load(std::memory_order_relaxed)) continue;
    g_slots[i].deallocated.store(deallocated, std::memory_order_relaxed);
    g_slots[i].allocated.store(allocated, std::memory_order_release);
    if (i >= g_slots_end.load(std::memory_order_relaxed))
      g_slots_end.store(i + 1, std::memory_order_release);
    slot_ = i;
    return;
  }
}

CountedThread::~CountedThread() {
  if (slot_ < 0) return;
  std::lock_guard lock(g_slots_mu);
  CounterSlot& s = g_slots[slot_];
  g_ended_balance.fetch_add(thread_balance(s.allocated.load(), s.deallocated.load()));
  s.allocated.store(nullptr, std::memory_order_release);
}

size_t used_memory() {
  int64_t total = g_ended_balance.load(std::memory_order_relaxed);
  const int end = g_slots_end.load(std::memory_order_acquire);
  for (int i = 0; i < end; i++) {
    const uint64_t* allocated = g_slots[i].allocated.load(std::memory_order_acquire);
    if (allocated) total += thread_balance(allocated, g_slots[i].deallocated.load());
  }
  total += static_cast<int64_t>(g_mapped_bytes.load(std::memory_order_relaxed));
  return total > 0 ? static_cast<size_t>(total) : 0;
}
#else
CountedThread::CountedThread() = default;
CountedThread::~CountedThread() = default;

namespace {
size_t heap_allocated() {
#ifdef RKV_ASAN_ALLOCATOR
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#endif
}
}  // namespace

size_t used_memory() {
  return heap_allocated() + g_mapped_bytes.load(std::memory_order_relaxed);
}
#endif

MemoryStats memory_stats() {
  MemoryStats s;
#ifdef RKV_HAVE_JEMALLOC
  uint64_t epoch = 1;
  size_t sz = sizeof(epoch);
  mallctl("epoch", &epoch, &sz, &epoch, sz);
  sz = sizeof(size_t);
  mallctl("stats.allocated", &s.allocated, &sz, nullptr, 0);
  mallctl("stats.active", &s.active, &sz, nullptr, 0);
  mallctl("stats.resident", &s.resident, &sz, nullptr, 0);
#else
  s.allocated = heap_allocated();
  s.active = s.resident = s.allocated;
#endif
  size_t mapped = g_mapped_bytes.load(std::memory_order_relaxed);
  s.allocated += mapped;
  s.active += mapped;
  s.resident += mapped;
  s.rss = read_rss();
  return s;
}

const char* allocator_name() {
#ifdef RKV_HAVE_JEMALLOC
  static char name[64];
  if (!name[0]) {
    const char* v = nullptr;
    size_t sz = sizeof(v);
    if (mallctl("version", &v, &sz, nullptr, 0) == 0 && v) {
      std::snprintf(name, sizeof(name), "jemalloc-%.*s", 5, v);
    } else {
      std::snprintf(name, sizeof(name), "jemalloc");
    }
  }
  return name;
#else
  return "libc";
#endif
}

bool allocator_stats_text(std::string* out) {
#ifdef RKV_HAVE_JEMALLOC
  out->clear();
  malloc_stats_print(
      [](void* opaque, const char* text) { static_cast<std::string*>(opaque)->append(text); }, out,
      nullptr);
  return true;
#else
  (void)out;
  return false;
#endif
}

bool allocator_purge() {
#ifdef RKV_HAVE_JEMALLOC
  char name[32];
  std::snprintf(name, sizeof(name), "arena.%u.purge", static_cast<unsigned>(MALLCTL_ARENAS_ALL));
  return mallctl(name, nullptr, nullptr, nullptr, 0) == 0;
#elif defined(__GLIBC__)
  malloc_trim(0);
  return true;
#else
  return true;
#endif
}

void* map_zeroed(size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  g_mapped_bytes.fetch_add(bytes, std::memory_order_relaxed);
  return p;
}

void unmap_zeroed(void* p, size_t bytes) {
  if (!p) return;
  munmap(p, bytes);
  g_mapped_bytes.fetch_sub(bytes, std::memory_order_relaxed);
}

void out_of_memory(size_t bytes) {
  std::fprintf(stderr, "Out Of Memory allocating %zu bytes!\n", bytes);
  std::abort();
}

}  // namespace rkv
