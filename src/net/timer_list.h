// TimerList: the few timers of a loop (the server cron and friends), shared by every
// reactor backend. A vector scanned linearly: at this size it beats a heap.
// Not thread-safe; callbacks run on the loop's thread and may add or cancel timers.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace rkv::net {

class TimerList {
 public:
  using TimerFn = std::function<int64_t()>;  // returns the next delay in ms, or -1 to stop

  uint64_t add(int64_t delay_ms, TimerFn fn);
  void cancel(uint64_t id);
  // Milliseconds until the earliest timer is due (0 if overdue), -1 when there is none.
  int next_timeout_ms() const;
  // Runs every due timer once, rescheduling or dropping it by its return value.
  void run_due();

 private:
  struct Timer {
    uint64_t id;
    int64_t when_ms;
    TimerFn fn;
  };
  std::vector<Timer> timers_;
  uint64_t next_id_ = 1;
};

}  // namespace rkv::net
