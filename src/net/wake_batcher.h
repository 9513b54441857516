// WakeBatcher: adaptive wake-up coalescing before a loop waits (io-batch-wait-us and
// io-batch-min-cpu, ours).
//
// With many concurrent request/response clients the server is faster than its clients:
// epoll wakes it for about one event, and the wake-up (a context switch plus the wait
// system call) costs more than the request itself. Waiting a little for a batch instead,
// as network cards moderate interrupts and io_uring's min-wait does, divides that cost by
// the batch size. But every batched request waits for the batch: measured at a fixed
// offered rate, a 100 us window took the median latency from about 25 us to 100-150 us.
// So the loop batches only when its CPU is the scarce resource: while its thread is busy
// more than min_cpu percent of the time (measured every 10 ms on the thread's CPU clock,
// which also counts kernel work done inside io_uring_enter), and it stops again below
// three quarters of that. A server with CPU to spare answers at once, as Redis does.
//
// The batch is what the arrival rate measured over the last millisecond predicts within
// the window, at most half the connections active in that millisecond, and at least 2: a
// lone client (or two) is never held back for requests that cannot come. No wait is held
// back longer than the window. Shared by every reactor backend; how to wait for a batch is
// theirs.
#pragma once

#include <algorithm>
#include <cstdint>

#include "net/loop_stats.h"
#include "util/clock.h"

namespace rkv::net {

class WakeBatcher {
 public:
  void set_window_us(int us) {
    window_us_ = us > 0 ? us : 0;
    if (window_us_ == 0) batch_ = 0;
  }
  int window_us() const { return window_us_; }
  // Busy share of the loop thread (percent) above which waits are batched; 0: always.
  void set_min_cpu(int percent) { min_cpu_ = std::clamp(percent, 0, 100); }

  // Once per iteration, before the wait: how many events to wait for (0: do not batch).
  unsigned plan(LoopStats& stats) {
    if (window_us_ == 0) return 0;
    const int64_t now = mono_us();
    const int64_t elapsed = now - rate_start_us_;
    if (elapsed >= kRateWindowUs) {
      update_saturation(now, stats);
      const uint64_t expected =
          events_ * static_cast<uint64_t>(window_us_) / static_cast<uint64_t>(elapsed);
      batch_ = saturated_ ? static_cast<unsigned>(std::min(expected, active_ / 2)) : 0;
      if (batch_ < 2) batch_ = 0;
      rate_start_us_ = now;
      events_ = active_ = 0;
      rate_window_++;
    }
    if (batch_ > 0) stats.batched_waits++;
    return batch_;
  }

  // After the wait: events that brought new work (readable connections, accepts).
  void add_events(uint64_t n) { events_ += n; }
  // Per connection with new data; `stamp` is the connection's own, counted once a window.
  void mark_active(uint64_t& stamp) {
    if (stamp != rate_window_) {
      stamp = rate_window_;
      active_++;
    }
  }

 private:
  static constexpr int64_t kRateWindowUs = 1000;
  static constexpr int64_t kCpuWindowUs = 10000;

  void update_saturation(int64_t now, const LoopStats& stats) {
    if (min_cpu_ == 0) {
      saturated_ = true;
      return;
    }
    const int64_t span = now - cpu_start_us_;
    if (span < kCpuWindowUs) return;
    // Spinning (busy-poll-us) burns CPU without doing work: it must not look like load.
    const int64_t cpu = thread_cpu_us() - static_cast<int64_t>(stats.spin_idle_us);
    const int64_t busy_percent = (cpu - cpu_at_start_) * 100 / span;
    if (busy_percent >= min_cpu_)
      saturated_ = true;
    else if (busy_percent < min_cpu_ * 3 / 4)
      saturated_ = false;
    cpu_start_us_ = now;
    cpu_at_start_ = cpu;
  }

  int window_us_ = 0;
  int min_cpu_ = 60;
  bool saturated_ = false;
  unsigned batch_ = 0;
  int64_t rate_start_us_ = 0;
  uint64_t rate_window_ = 1;
  uint64_t events_ = 0, active_ = 0;
  int64_t cpu_start_us_ = 0, cpu_at_start_ = 0;
};

}  // namespace rkv::net
