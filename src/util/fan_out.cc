#include "util/fan_out.h"

#include <algorithm>

#include "util/clock.h"
#include "util/memory.h"

namespace rkv {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Polls ready() for up to spin_us; true as soon as it holds. The clock is read only every
// 64 polls: it costs more than a poll.
template <typename Ready>
bool spin_until(int spin_us, Ready&& ready) {
  const int64_t deadline = mono_us() + spin_us;
  for (unsigned i = 1;; i++) {
    if (ready()) return true;
    if ((i & 63) == 0 && mono_us() >= deadline) return false;
    cpu_relax();
  }
}

}  // namespace

FanOut::FanOut(int threads, int spin_us) : spin_us_(spin_us) {
  for (int i = 1; i < threads; i++) {
    helpers_.push_back(std::make_unique<Helper>());
    Helper& h = *helpers_.back();
    h.thread = std::thread([this, &h, i] { helper_main(h, i); });
  }
}

FanOut::~FanOut() {
  stop_.store(true);
  for (auto& h : helpers_) {
    h->batch.fetch_add(1);
    h->batch.notify_one();
  }
  for (auto& h : helpers_) h->thread.join();
}

void FanOut::dispatch(size_t n, Call call, void* ctx) {
  batches_++;
  call_ = call;
  ctx_ = ctx;
  items_ = n;
  // Helpers beyond the number of items would only be woken to find nothing to do.
  participants_ = std::min(helpers_.size() + 1, n + 1);
  remaining_.store(static_cast<int>(participants_ - 1), std::memory_order_relaxed);
  for (size_t k = 1; k < participants_; k++) {
    Helper& h = *helpers_[k - 1];
    // seq_cst increment then load, against the helper's seq_cst store then load: either
    // the helper sees the new batch before sleeping, or we see it asleep and wake it.
    h.batch.fetch_add(1);
    if (h.sleeping.load()) {
      wakeups_++;
      h.batch.notify_one();
    }
  }
  run_share(0);
  if (spin_until(spin_us_, [this] { return remaining_.load(std::memory_order_acquire) == 0; }))
    return;
  caller_sleeping_.store(true);
  for (int r; (r = remaining_.load()) != 0;) remaining_.wait(r);
  caller_sleeping_.store(false);
}

void FanOut::run_share(int index) {
  const size_t p = participants_;
  for (size_t i = (static_cast<size_t>(index) + p - 1) % p; i < items_; i += p) call_(ctx_, i);
}

void FanOut::helper_main(Helper& self, int index) {
  const CountedThread counted;  // query buffers grow and shrink on helpers too
  uint32_t seen = 0;
  for (;;) {
    auto changed = [&] { return self.batch.load() != seen; };
    if (!spin_until(spin_us_, changed)) {
      self.sleeping.store(true);
      while (!changed()) self.batch.wait(seen);
      self.sleeping.store(false);
    }
    seen = self.batch.load();
    if (stop_.load()) return;
    run_share(index);
    // The last helper out wakes the caller if it gave up spinning (same pairing as above).
    if (remaining_.fetch_sub(1) == 1 && caller_sleeping_.load()) remaining_.notify_one();
  }
}

}  // namespace rkv
