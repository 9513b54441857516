// LazyFree: one background thread that frees what is too big to free inside a command,
// so UNLINK of a ten-million-element set or FLUSHALL ASYNC never stalls the loop (Redis's
// lazyfree: UNLINK, FLUSHALL/FLUSHDB ASYNC, lazyfree-lazy-*).
//
// Only unlinked data is handed over: the main thread has already removed it from every
// table, so the worker is its sole owner and needs no lock but the queue's. Values whose
// free effort (elements, nodes) is at most kThreshold are freed inline, as Redis does: a
// thread hand-off costs more than freeing them. The thread sleeps on a condition variable
// and uses no CPU while idle.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace rkv::store {

class LazyFree {
 public:
  static constexpr size_t kThreshold = 64;  // LAZYFREE_THRESHOLD

  LazyFree();
  ~LazyFree();  // frees everything still queued, then joins
  LazyFree(const LazyFree&) = delete;
  LazyFree& operator=(const LazyFree&) = delete;

  // Runs job on the worker; `objects` is what it frees (INFO lazyfree_pending_objects).
  void submit(std::function<void()> job, uint64_t objects);
  // Waits until the queue is empty (tests, DEBUG, shutdown ordering).
  void drain();

  uint64_t pending_objects() const { return pending_.load(std::memory_order_relaxed); }
  uint64_t freed_objects() const { return freed_.load(std::memory_order_relaxed); }
  void reset_stats() { freed_.store(0, std::memory_order_relaxed); }

 private:
  struct Job {
    std::function<void()> run;
    uint64_t objects;
  };
  void work();

  std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<Job> jobs_;
  bool busy_ = false;
  bool stop_ = false;
  std::atomic<uint64_t> pending_{0}, freed_{0};
  std::thread thread_;
};

}  // namespace rkv::store
