// Level-triggered epoll (Linux).
#include "net/poller.h"

#ifdef __linux__
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace rkv::net {
namespace {

class EpollPoller final : public Poller {
 public:
  explicit EpollPoller(int epfd) : epfd_(epfd) {}
  ~EpollPoller() override { ::close(epfd_); }

  bool set(int fd, int old_mask, int new_mask) override {
    epoll_event ev{};
    ev.data.fd = fd;
    if (new_mask & kReadable) ev.events |= EPOLLIN;
    if (new_mask & kWritable) ev.events |= EPOLLOUT;
    int op =
        old_mask == kNone ? EPOLL_CTL_ADD : (new_mask == kNone ? EPOLL_CTL_DEL : EPOLL_CTL_MOD);
    return epoll_ctl(epfd_, op, fd, &ev) == 0;
  }

  int wait(int timeout_ms, std::span<FiredEvent> out) override {
    if (events_.size() < out.size()) events_.resize(out.size());
    int n = epoll_wait(epfd_, events_.data(), static_cast<int>(out.size()), timeout_ms);
    for (int i = 0; i < n; i++) {
      const epoll_event& e = events_[static_cast<size_t>(i)];
      int mask = kNone;
      if (e.events & EPOLLIN) mask |= kReadable;
      if (e.events & EPOLLOUT) mask |= kWritable;
      // Errors and hangups wake both sides so the owner sees the failure in read/write.
      if (e.events & (EPOLLERR | EPOLLHUP)) mask |= kReadable | kWritable;
      out[static_cast<size_t>(i)] = FiredEvent{e.data.fd, mask};
    }
    return n < 0 ? 0 : n;
  }

  const char* name() const override { return "epoll"; }

 private:
  int epfd_;
  std::vector<epoll_event> events_;
};

}  // namespace

std::unique_ptr<Poller> make_epoll_poller(std::string* err) {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) {
    *err = std::string("epoll_create1: ") + std::strerror(errno);
    return nullptr;
  }
  return std::make_unique<EpollPoller>(fd);
}

}  // namespace rkv::net
#else
namespace rkv::net {
std::unique_ptr<Poller> make_epoll_poller(std::string* err) {
  *err = "epoll is not available on this platform";
  return nullptr;
}
}  // namespace rkv::net
#endif
