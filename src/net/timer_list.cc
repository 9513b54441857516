#include "net/timer_list.h"

#include <algorithm>

#include "util/clock.h"

namespace rkv::net {

uint64_t TimerList::add(int64_t delay_ms, TimerFn fn) {
  uint64_t id = next_id_++;
  timers_.push_back(Timer{id, mono_ms() + delay_ms, std::move(fn)});
  return id;
}

void TimerList::cancel(uint64_t id) {
  std::erase_if(timers_, [id](const Timer& t) { return t.id == id; });
}

int TimerList::next_timeout_ms() const {
  if (timers_.empty()) return -1;
  int64_t earliest = timers_.front().when_ms;
  for (const Timer& t : timers_) earliest = std::min(earliest, t.when_ms);
  int64_t delta = earliest - mono_ms();
  return delta < 0 ? 0 : static_cast<int>(delta);
}

void TimerList::run_due() {
  int64_t now = mono_ms();
  // Index loop: a callback may add timers (push_back can reallocate) or cancel any.
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

}  // namespace rkv::net
