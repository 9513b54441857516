#include "net/event_loop.h"

#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>

#include <algorithm>

#include "util/clock.h"

namespace rkv::net {

namespace {
constexpr size_t kMaxEventsPerWait = 1024;
}

EventLoop::EventLoop(std::unique_ptr<Poller> poller)
    : poller_(std::move(poller)), fired_(kMaxEventsPerWait) {}

bool EventLoop::watch(int fd, int mask, IoHandler* handler) {
  if (fd < 0) return false;
  if (static_cast<size_t>(fd) >= slots_.size()) slots_.resize(static_cast<size_t>(fd) + 64);
  Slot& s = slots_[static_cast<size_t>(fd)];
  int new_mask = s.mask | mask;
  if (new_mask != s.mask && !poller_->set(fd, s.mask, new_mask)) return false;
  s.mask = new_mask;
  s.handler = handler;
  return true;
}

void EventLoop::unwatch(int fd, int mask) {
  if (fd < 0 || static_cast<size_t>(fd) >= slots_.size()) return;
  Slot& s = slots_[static_cast<size_t>(fd)];
  int new_mask = s.mask & ~mask;
  if (new_mask == s.mask) return;
  poller_->set(fd, s.mask, new_mask);
  s.mask = new_mask;
  if (new_mask == kNone) s.handler = nullptr;
}

void EventLoop::run_once(int timeout_ms) {
  if (before_sleep_) before_sleep_();
  int timer_timeout = timers_.next_timeout_ms();
  if (timeout_ms < 0 || (timer_timeout >= 0 && timer_timeout < timeout_ms))
    timeout_ms = timer_timeout;

  const unsigned batch = timeout_ms != 0 ? batcher_.plan(stats_) : 0;
  int n = batch > 0 ? wait_for_batch(batch, timeout_ms)
                    : busy_.wait(timeout_ms, stats_, [this](int t) { return wait(t); });
  stats_.iterations++;
  stats_.events += static_cast<uint64_t>(n);
  batcher_.add_events(static_cast<uint64_t>(n));

  for (int i = 0; i < n; i++) {
    const FiredEvent ev = fired_[static_cast<size_t>(i)];
    if (static_cast<size_t>(ev.fd) >= slots_.size()) continue;
    // Re-read the slot before each side: the readable handler may unwatch or close the fd.
    int live = slots_[static_cast<size_t>(ev.fd)].mask & ev.mask;
    if (live & kReadable) {
      batcher_.mark_active(slots_[static_cast<size_t>(ev.fd)].active_window);
      slots_[static_cast<size_t>(ev.fd)].handler->on_io(ev.fd, kReadable);
    }
    live = slots_[static_cast<size_t>(ev.fd)].mask & ev.mask;
    if (live & kWritable) slots_[static_cast<size_t>(ev.fd)].handler->on_io(ev.fd, kWritable);
  }
  timers_.run_due();
}

int EventLoop::wait(int timeout_ms) {
  stats_.wait_calls++;
  return poller_->wait(timeout_ms, fired_);
}

void EventLoop::set_batch_wait_us(int us, int min_cpu) {
#ifdef PR_SET_TIMERSLACK
  // The batch window is a sleep of tens of microseconds; Linux's default timer slack
  // (50 us) would stretch it by as much again.
  if (us > 0) prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
#endif
  batcher_.set_window_us(us);
  batcher_.set_min_cpu(min_cpu);
}

// A readiness API cannot wait for "n events, or whatever came after a while", so: take
// what is ready; if that is short of the batch, sleep out the window once and take again
// (level-triggered, so the events seen first are reported again). Only if nothing came at
// all, block as usual. Under load this is one wake-up per window instead of one per event.
int EventLoop::wait_for_batch(unsigned batch, int timeout_ms) {
  const int64_t t0 = mono_us();
  int n = wait(0);
  if (n >= 0 && static_cast<unsigned>(n) < batch) {
    const int64_t left = batcher_.window_us() - (mono_us() - t0);
    if (left > 0) {
      timespec ts{0, static_cast<long>(left) * 1000};
      nanosleep(&ts, nullptr);
    }
    n = wait(0);
    if (n == 0) n = wait(timeout_ms);
  }
  stats_.wait_us += static_cast<uint64_t>(mono_us() - t0);
  return n;
}

}  // namespace rkv::net
