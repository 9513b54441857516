#include "util/fan_out.h"

#include "util/clock.h"

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
  for (int i = 1; i < threads; i++) helpers_.emplace_back([this, i] { helper_main(i); });
}

FanOut::~FanOut() {
  stop_.store(true);
  generation_.fetch_add(1);
  generation_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void FanOut::dispatch(size_t n, Call call, void* ctx) {
  batches_++;
  call_ = call;
  ctx_ = ctx;
  items_ = n;
  remaining_.store(static_cast<int>(helpers_.size()), std::memory_order_relaxed);
  // seq_cst store then load, against the helper's seq_cst increment then load: either the
  // helper sees the new generation before sleeping, or we see it asleep and wake it.
  generation_.fetch_add(1);
  if (sleeping_helpers_.load() > 0) {
    wakeups_++;
    generation_.notify_all();
  }
  run_share(0);
  if (spin_until(spin_us_, [this] { return remaining_.load(std::memory_order_acquire) == 0; }))
    return;
  caller_sleeping_.store(true);
  for (int r; (r = remaining_.load()) != 0;) remaining_.wait(r);
  caller_sleeping_.store(false);
}

void FanOut::run_share(int index) {
  const size_t t = static_cast<size_t>(threads());
  for (size_t i = (static_cast<size_t>(index) + t - 1) % t; i < items_; i += t) call_(ctx_, i);
}

void FanOut::helper_main(int index) {
  uint32_t seen = 0;
  for (;;) {
    uint32_t g = 0;
    auto changed = [&] { return (g = generation_.load()) != seen; };
    if (!spin_until(spin_us_, changed)) {
      sleeping_helpers_.fetch_add(1);
      while (!changed()) generation_.wait(seen);
      sleeping_helpers_.fetch_sub(1);
    }
    if (stop_.load()) return;
    seen = g;
    run_share(index);
    // The last helper out wakes the caller if it gave up spinning (same pairing as above).
    if (remaining_.fetch_sub(1) == 1 && caller_sleeping_.load()) remaining_.notify_one();
  }
}

}  // namespace rkv
