// kqueue (BSD, macOS). Read and write are separate filters; level-triggered by default.
#include "net/poller.h"

// RKV_KQUEUE_SHIM: compile-only check on Linux against tests/portability/kqueue_shim.
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__) || \
    defined(RKV_KQUEUE_SHIM)
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace rkv::net {
namespace {

class KqueuePoller final : public Poller {
 public:
  explicit KqueuePoller(int kq) : kq_(kq) {}
  ~KqueuePoller() override { ::close(kq_); }

  bool set(int fd, int old_mask, int new_mask) override {
    struct kevent changes[2];
    int n = 0;
    int added = new_mask & ~old_mask, removed = old_mask & ~new_mask;
    if (added & kReadable) EV_SET(&changes[n++], fd, EVFILT_READ, EV_ADD, 0, 0, nullptr);
    if (added & kWritable) EV_SET(&changes[n++], fd, EVFILT_WRITE, EV_ADD, 0, 0, nullptr);
    if (removed & kReadable) EV_SET(&changes[n++], fd, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
    if (removed & kWritable) EV_SET(&changes[n++], fd, EVFILT_WRITE, EV_DELETE, 0, 0, nullptr);
    return n == 0 || kevent(kq_, changes, n, nullptr, 0, nullptr) == 0;
  }

  int wait(int timeout_ms, std::span<FiredEvent> out) override {
    if (events_.size() < out.size()) events_.resize(out.size());
    timespec ts{}, *tsp = nullptr;
    if (timeout_ms >= 0) {
      ts.tv_sec = timeout_ms / 1000;
      ts.tv_nsec = (timeout_ms % 1000) * 1000000L;
      tsp = &ts;
    }
    int n = kevent(kq_, nullptr, 0, events_.data(), static_cast<int>(out.size()), tsp);
    if (n < 0) return 0;
    // Read and write readiness of one fd arrive as two kevents; merge them.
    int count = 0;
    for (int i = 0; i < n; i++) {
      const struct kevent& e = events_[static_cast<size_t>(i)];
      int mask = e.filter == EVFILT_READ ? kReadable : kWritable;
      if (e.flags & EV_ERROR) mask = kReadable | kWritable;
      int fd = static_cast<int>(e.ident);
      if (count > 0 && out[static_cast<size_t>(count - 1)].fd == fd) {
        out[static_cast<size_t>(count - 1)].mask |= mask;
      } else {
        out[static_cast<size_t>(count++)] = FiredEvent{fd, mask};
      }
    }
    return count;
  }

  const char* name() const override { return "kqueue"; }

 private:
  int kq_;
  std::vector<struct kevent> events_;
};

}  // namespace

std::unique_ptr<Poller> make_kqueue_poller(std::string* err) {
  int kq = kqueue();
  if (kq < 0) {
    *err = std::string("kqueue: ") + std::strerror(errno);
    return nullptr;
  }
  return std::make_unique<KqueuePoller>(kq);
}

}  // namespace rkv::net
#else
namespace rkv::net {
std::unique_ptr<Poller> make_kqueue_poller(std::string* err) {
  *err = "kqueue is not available on this platform";
  return nullptr;
}
}  // namespace rkv::net
#endif
