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

int EventLoop::mask_of(int fd) const {
  if (fd < 0 || static_cast<size_t>(fd) >= slots_.size()) return kNone;
  return slots_[static_cast<size_t>(fd)].mask;
}

uint64_t EventLoop::add_timer(int64_t delay_ms, TimerFn fn) {
  uint64_t id = next_timer_id_++;
  timers_.push_back(Timer{id, mono_ms() + delay_ms, std::move(fn)});
  return id;
}

void EventLoop::cancel_timer(uint64_t id) {
  std::erase_if(timers_, [id](const Timer& t) { return t.id == id; });
}

int EventLoop::next_timeout_ms() const {
  if (timers_.empty()) return -1;
  int64_t earliest = timers_.front().when_ms;
  for (const Timer& t : timers_) earliest = std::min(earliest, t.when_ms);
  int64_t delta = earliest - mono_ms();
  return delta < 0 ? 0 : static_cast<int>(delta);
}

void EventLoop::run_timers() {
  int64_t now = mono_ms();
  // Index loop: a timer callback may add timers (push_back can reallocate).
  for (size_t i = 0; i < timers_.size(); i++) {
    if (timers_[i].when_ms > now) continue;
    TimerFn fn = std::move(timers_[i].fn);
    uint64_t id = timers_[i].id;
    int64_t next = fn();
    auto it =
        std::find_if(timers_.begin(), timers_.end(), [id](const Timer& t) { return t.id == id; });
    if (it == timers_.end()) continue;  // cancelled by its own callback
    if (next < 0) {
      timers_.erase(it);
      --i;
    } else {
      it->fn = std::move(fn);
      it->when_ms = now + next;
    }
  }
}

int EventLoop::wait_for_events(int timeout_ms) {
  constexpr int kMaxCredit = 16;
  const int64_t t0 = mono_us();
  int n = 0;
  if (busy_poll_us_ > 0 && timeout_ms != 0 && spin_credit_ > 0) {
    stats_.busy_polls++;
    const int64_t deadline = t0 + busy_poll_us_;
    do {
      n = poller_->wait(0, fired_);
      stats_.wait_calls++;
    } while (n == 0 && mono_us() < deadline);
    if (n > 0) {
      stats_.busy_poll_hits++;
      spin_credit_ = std::min(spin_credit_ + 1, kMaxCredit);
    } else {
      spin_credit_ = std::max(spin_credit_ - 4, 0);  // misses cost more than hits earn
    }
  }
  if (n == 0) {
    const int64_t t1 = mono_us();
    n = poller_->wait(timeout_ms, fired_);
    stats_.wait_calls++;
    // Events that arrived within the spin window would have been caught by spinning:
    // that is what (re)earns credit after a quiet spell.
    if (busy_poll_us_ > 0 && n > 0 && mono_us() - t1 <= busy_poll_us_)
      spin_credit_ = std::min(spin_credit_ + 1, kMaxCredit);
  }
  stats_.wait_us += static_cast<uint64_t>(mono_us() - t0);
  return n;
}

void EventLoop::run_once(int timeout_ms) {
  if (before_sleep_) before_sleep_();
  int timer_timeout = next_timeout_ms();
  if (timeout_ms < 0 || (timer_timeout >= 0 && timer_timeout < timeout_ms))
    timeout_ms = timer_timeout;

  int n = wait_for_events(timeout_ms);
  stats_.iterations++;
  stats_.events += static_cast<uint64_t>(n);

  if (after_sleep_) after_sleep_();
  for (int i = 0; i < n; i++) {
    const FiredEvent ev = fired_[static_cast<size_t>(i)];
    if (static_cast<size_t>(ev.fd) >= slots_.size()) continue;
    // Re-read the slot before each side: the readable handler may unwatch or close the fd.
    int live = slots_[static_cast<size_t>(ev.fd)].mask & ev.mask;
    if (live & kReadable) slots_[static_cast<size_t>(ev.fd)].handler->on_io(ev.fd, kReadable);
    live = slots_[static_cast<size_t>(ev.fd)].mask & ev.mask;
    if (live & kWritable) slots_[static_cast<size_t>(ev.fd)].handler->on_io(ev.fd, kWritable);
  }
  run_timers();
}

void EventLoop::run() {
  stopped_ = false;
  while (!stopped_) run_once(-1);
}

}  // namespace rkv::net
