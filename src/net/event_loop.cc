#include "net/event_loop.h"

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

  int n = busy_.wait(timeout_ms, stats_, [this](int t) {
    stats_.wait_calls++;
    return poller_->wait(t, fired_);
  });
  stats_.iterations++;
  stats_.events += static_cast<uint64_t>(n);

  for (int i = 0; i < n; i++) {
    const FiredEvent ev = fired_[static_cast<size_t>(i)];
    if (static_cast<size_t>(ev.fd) >= slots_.size()) continue;
    // Re-read the slot before each side: the readable handler may unwatch or close the fd.
    int live = slots_[static_cast<size_t>(ev.fd)].mask & ev.mask;
    if (live & kReadable) slots_[static_cast<size_t>(ev.fd)].handler->on_io(ev.fd, kReadable);
    live = slots_[static_cast<size_t>(ev.fd)].mask & ev.mask;
    if (live & kWritable) slots_[static_cast<size_t>(ev.fd)].handler->on_io(ev.fd, kWritable);
  }
  timers_.run_due();
}

}  // namespace rkv::net
