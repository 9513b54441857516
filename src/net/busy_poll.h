// BusyPoll: adaptive spinning before a loop blocks in the kernel (busy-poll-us).
//
// A sleeping thread must be woken by the kernel for the next request, and on a VM that
// wake-up costs more than the request; spinning avoids it while traffic is dense. Spins
// earn credit when they find events and lose more when they do not, so a quiet or idle
// loop blocks at once and uses no CPU. Shared by every reactor backend.
#pragma once

#include <algorithm>
#include <cstdint>

#include "net/loop_stats.h"
#include "util/clock.h"

namespace rkv::net {

class BusyPoll {
 public:
  void set_budget_us(int us) { budget_us_ = us; }

  // Waits for events with `poll(timeout_ms) -> events`: first (if credited) polls with
  // timeout 0 for up to the budget, then blocks with timeout_ms. Accounts the time spent
  // in stats.wait_us and the spins in stats.busy_polls / busy_poll_hits.
  template <typename Poll>
  int wait(int timeout_ms, LoopStats& stats, Poll&& poll) {
    constexpr int kMaxCredit = 16;
    const int64_t t0 = mono_us();
    int n = 0;
    if (budget_us_ > 0 && timeout_ms != 0 && credit_ > 0) {
      stats.busy_polls++;
      const int64_t deadline = t0 + budget_us_;
      // The polls that found nothing were idle time; the one that found events may have
      // done real work (io_uring runs receives and sends inside it).
      int64_t last_start = t0, t = t0;
      do {
        last_start = t;
        n = poll(0);
        t = mono_us();
      } while (n == 0 && t < deadline);
      stats.spin_idle_us += static_cast<uint64_t>((n == 0 ? t : last_start) - t0);
      if (n > 0) {
        stats.busy_poll_hits++;
        credit_ = std::min(credit_ + 1, kMaxCredit);
      } else {
        credit_ = std::max(credit_ - 4, 0);  // misses cost more than hits earn
      }
    }
    if (n == 0) {
      const int64_t t1 = mono_us();
      n = poll(timeout_ms);
      // Events that arrived within the spin window would have been caught by spinning:
      // that is what (re)earns credit after a quiet spell.
      if (budget_us_ > 0 && n > 0 && mono_us() - t1 <= budget_us_)
        credit_ = std::min(credit_ + 1, kMaxCredit);
    }
    stats.wait_us += static_cast<uint64_t>(mono_us() - t0);
    return n;
  }

 private:
  int budget_us_ = 0;
  int credit_ = 0;
};

}  // namespace rkv::net
