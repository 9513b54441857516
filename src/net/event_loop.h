// EventLoop: fd readiness, timers and sleep hooks over one Poller.
//
// Threading: everything here runs on the loop's thread; no call is thread-safe.
// Order of one iteration (as in Redis's ae):
//   before_sleep hook -> Poller::wait (until an fd is ready or the next timer is due)
//   -> after_sleep hook -> readable then writable handlers per fired fd -> due timers.
// Handlers may watch/unwatch any fd, including their own, while events are dispatched;
// an fd unwatched during an iteration receives no further events from that iteration.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "net/poller.h"

namespace rkv::net {

class IoHandler {
 public:
  virtual void on_io(int fd, int mask) = 0;

 protected:
  ~IoHandler() = default;
};

// Counters that make IO paths comparable (INFO's "# IO" section). Cheap: a few adds per wake.
struct LoopStats {
  uint64_t iterations = 0;
  uint64_t events = 0;
  uint64_t wait_calls = 0;      // poller calls, blocking and busy-poll ones
  uint64_t wait_us = 0;         // time in the poller (blocked or spinning)
  uint64_t busy_polls = 0;      // iterations that spun before blocking
  uint64_t busy_poll_hits = 0;  // ... and found an event without sleeping
  // Completion backends (io_uring) only: io_uring_enter calls, and reads/writes done as
  // completions rather than system calls.
  uint64_t submit_calls = 0;
  uint64_t read_completions = 0;
  uint64_t write_completions = 0;
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
  int mask_of(int fd) const;

  uint64_t add_timer(int64_t delay_ms, TimerFn fn);
  void cancel_timer(uint64_t id);

  void set_before_sleep(Hook hook) { before_sleep_ = std::move(hook); }
  void set_after_sleep(Hook hook) { after_sleep_ = std::move(hook); }

  // Runs until stop(); returns after the iteration in which stop() was called.
  void run();
  void stop() { stopped_ = true; }
  // One iteration; timeout_ms bounds the wait (-1: until an event or timer).
  void run_once(int timeout_ms);

  // Busy polling: before blocking, poll without sleeping for up to `us` microseconds.
  // A sleeping thread must be woken by the kernel for the next request, and on a VM that
  // wake-up costs more than the request; spinning avoids it while traffic is dense.
  // Adaptive: spinning continues only while spins keep finding events, so a quiet or
  // idle server blocks at once and uses no CPU. 0 turns it off.
  void set_busy_poll_us(int us) { busy_poll_us_ = us; }

  const char* backend() const { return poller_->name(); }
  LoopStats& stats() { return stats_; }

 private:
  struct Slot {
    int mask = kNone;
    IoHandler* handler = nullptr;
  };
  struct Timer {
    uint64_t id;
    int64_t when_ms;
    TimerFn fn;
  };

  int next_timeout_ms() const;
  void run_timers();
  int wait_for_events(int timeout_ms);

  std::unique_ptr<Poller> poller_;
  std::vector<Slot> slots_;
  std::vector<FiredEvent> fired_;
  std::vector<Timer> timers_;  // few timers (cron and friends): a vector beats a heap
  uint64_t next_timer_id_ = 1;
  Hook before_sleep_, after_sleep_;
  bool stopped_ = false;
  int busy_poll_us_ = 0;
  int spin_credit_ = 0;  // > 0: recent spins paid off, keep spinning
  LoopStats stats_;
};

}  // namespace rkv::net
