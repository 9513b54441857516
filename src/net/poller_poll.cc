// poll(2): portable, O(fds) per wait. Kept as a comparison point for the other backends.
#include <poll.h>

#include <vector>

#include "net/poller.h"

namespace rkv::net {
namespace {

class PollPoller final : public Poller {
 public:
  bool set(int fd, int old_mask, int new_mask) override {
    if (fd < 0) return false;
    if (static_cast<size_t>(fd) >= index_.size()) index_.resize(static_cast<size_t>(fd) + 1, -1);
    int& idx = index_[static_cast<size_t>(fd)];
    if (new_mask == kNone) {
      if (idx < 0) return true;
      // Swap-remove keeps the array dense.
      size_t last = fds_.size() - 1;
      fds_[static_cast<size_t>(idx)] = fds_[last];
      index_[static_cast<size_t>(fds_[last].fd)] = idx;
      fds_.pop_back();
      idx = -1;
      return true;
    }
    short events = 0;
    if (new_mask & kReadable) events |= POLLIN;
    if (new_mask & kWritable) events |= POLLOUT;
    if (idx < 0) {
      idx = static_cast<int>(fds_.size());
      fds_.push_back(pollfd{fd, events, 0});
    } else {
      fds_[static_cast<size_t>(idx)].events = events;
    }
    return true;
  }

  int wait(int timeout_ms, std::span<FiredEvent> out) override {
    int n = ::poll(fds_.data(), fds_.size(), timeout_ms);
    if (n <= 0) return 0;
    int count = 0;
    for (const pollfd& p : fds_) {
      if (!p.revents) continue;
      int mask = kNone;
      if (p.revents & POLLIN) mask |= kReadable;
      if (p.revents & POLLOUT) mask |= kWritable;
      if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) mask |= kReadable | kWritable;
      out[static_cast<size_t>(count++)] = FiredEvent{p.fd, mask};
      if (static_cast<size_t>(count) == out.size()) break;
    }
    return count;
  }

  const char* name() const override { return "poll"; }

 private:
  std::vector<pollfd> fds_;
  std::vector<int> index_;  // fd -> position in fds_, or -1
};

}  // namespace

std::unique_ptr<Poller> make_poll_poller(std::string*) {
  return std::make_unique<PollPoller>();
}

}  // namespace rkv::net
