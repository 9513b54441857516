// EventLoop: fd readiness, timers and the before-sleep hook over one Poller.
//
// Threading: everything here runs on the loop's thread; no call is thread-safe.
// Order of one iteration (as in Redis's ae):
//   before_sleep hook -> Poller::wait (until an fd is ready or the next timer is due)
//   -> readable then writable handlers per fired fd -> due timers.
// Handlers may watch/unwatch any fd, including their own, while events are dispatched;
// an fd unwatched during an iteration receives no further events from that iteration.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "net/busy_poll.h"
#include "net/loop_stats.h"
#include "net/poller.h"
#include "net/timer_list.h"
#include "net/wake_batcher.h"

namespace rkv::net {

class IoHandler {
 public:
  virtual void on_io(int fd, int mask) = 0;

 protected:
  ~IoHandler() = default;
};

class EventLoop {
 public:
  using TimerFn = std::function<int64_t()>;  // returns the next delay in ms, or -1 to stop
  using Hook = std::function<void()>;

  explicit EventLoop(std::unique_ptr<Poller> poller);

  // Adds mask bits to fd's interest and routes its events to handler.
  bool watch(int fd, int mask, IoHandler* handler);
  // Removes mask bits; the fd is forgotten when no bits remain.
  void unwatch(int fd, int mask);

  uint64_t add_timer(int64_t delay_ms, TimerFn fn) { return timers_.add(delay_ms, std::move(fn)); }
  void cancel_timer(uint64_t id) { timers_.cancel(id); }

  void set_before_sleep(Hook hook) { before_sleep_ = std::move(hook); }
  // One iteration; timeout_ms bounds the wait (-1: until an event or timer).
  void run_once(int timeout_ms);

  // Busy polling before blocking for up to `us` microseconds (see BusyPoll); 0: off.
  void set_busy_poll_us(int us) { busy_.set_budget_us(us); }
  // Wake-up coalescing for up to `us` microseconds (see WakeBatcher); 0: off.
  void set_batch_wait_us(int us, int min_cpu);
  int batch_wait_us() const { return batcher_.window_us(); }

  const char* backend() const { return poller_->name(); }
  LoopStats& stats() { return stats_; }

 private:
  struct Slot {
    int mask = kNone;
    IoHandler* handler = nullptr;
    uint64_t active_window = 0;  // WakeBatcher's count of active connections
  };
  int wait(int timeout_ms);
  int wait_for_batch(unsigned batch, int timeout_ms);

  std::unique_ptr<Poller> poller_;
  std::vector<Slot> slots_;
  std::vector<FiredEvent> fired_;
  TimerList timers_;
  BusyPoll busy_;
  WakeBatcher batcher_;
  Hook before_sleep_;
  LoopStats stats_;
};

}  // namespace rkv::net
