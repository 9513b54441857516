// FanOut: a fixed group of helper threads that, together with the calling thread, runs a
// job over n items and returns when every item is done (fan-out, fan-in).
//
// Built for threaded I/O: each batch is short (a few system calls per item) and comes once
// per loop iteration, so waking a sleeping thread through the kernel costs about as much
// as the work. Helpers therefore spin for a while after a batch and only then sleep on a
// futex; the caller pays for a wake-up only when a helper is actually asleep, and a batch
// of n items involves at most n helpers, so small batches leave the others asleep. An
// idle server has every helper asleep and uses no CPU.
//
// With p threads taking part (the caller is thread 0), item i goes to thread (i + 1) % p:
// a single item runs on a helper, so even light traffic exercises the helpers when the
// caller chooses to fan out at all. Not reentrant; call run() from one thread only.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace rkv {

class FanOut {
 public:
  // threads counts the caller: 4 = the caller + 3 helpers. spin_us: how long a helper
  // keeps polling for its next batch before it sleeps.
  FanOut(int threads, int spin_us);
  ~FanOut();
  FanOut(const FanOut&) = delete;
  FanOut& operator=(const FanOut&) = delete;

  int threads() const { return static_cast<int>(helpers_.size()) + 1; }
  uint64_t batches() const { return batches_; }
  uint64_t helper_wakeups() const { return wakeups_; }
  void reset_counters() { batches_ = wakeups_ = 0; }

  // Calls job(i) for every i in [0, n), spread over the threads; returns when all are done.
  // job must be safe to call concurrently for different items.
  template <typename Job>
  void run(size_t n, Job&& job) {
    dispatch(
        n, [](void* ctx, size_t i) { (*static_cast<Job*>(ctx))(i); },
        const_cast<void*>(static_cast<const void*>(&job)));
  }

 private:
  using Call = void (*)(void* ctx, size_t item);

  // One helper's mailbox, on its own cache line: the caller bumps `batch` to hand it work
  // and wakes it only if `sleeping` is set.
  struct alignas(64) Helper {
    std::atomic<uint32_t> batch{0};
    std::atomic<bool> sleeping{false};
    std::thread thread;
  };

  void dispatch(size_t n, Call call, void* ctx);
  void helper_main(Helper& self, int index);
  void run_share(int index);

  // The current batch: written by the caller before the helpers' `batch` counters are
  // bumped, read by the helpers after they see the bump (release/acquire through it).
  Call call_ = nullptr;
  void* ctx_ = nullptr;
  size_t items_ = 0;
  size_t participants_ = 1;

  alignas(64) std::atomic<int> remaining_{0};  // helpers still working on the batch
  std::atomic<bool> caller_sleeping_{false};
  std::atomic<bool> stop_{false};

  int spin_us_;
  uint64_t batches_ = 0;
  uint64_t wakeups_ = 0;
  std::vector<std::unique_ptr<Helper>> helpers_;
};

}  // namespace rkv
