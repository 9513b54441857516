// Poller: the kernel readiness interface behind EventLoop.
//
// Contract (every backend):
//  - level-triggered: an fd that stays readable is reported on every wait();
//  - set() changes the interest mask of one fd; old_mask is what the loop last set, so
//    backends need not keep their own copy; new_mask == 0 removes the fd;
//  - wait() is the only call that may block, for at most timeout_ms (-1: forever);
//  - not thread-safe: one loop, one thread.
// A new backend is one small file implementing these three calls plus a factory.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace rkv::net {

enum EventMask : int { kNone = 0, kReadable = 1, kWritable = 2 };

struct FiredEvent {
  int fd;
  int mask;
};

class Poller {
 public:
  virtual ~Poller() = default;
  virtual bool set(int fd, int old_mask, int new_mask) = 0;
  virtual int wait(int timeout_ms, std::span<FiredEvent> out) = 0;
  virtual const char* name() const = 0;
};

std::unique_ptr<Poller> make_epoll_poller(std::string* err);
std::unique_ptr<Poller> make_poll_poller(std::string* err);
std::unique_ptr<Poller> make_kqueue_poller(std::string* err);

// The platform's best readiness backend: "epoll" on Linux, "kqueue" on BSD/macOS.
const char* default_poller_name();
// Creates the named backend or returns nullptr with *err set ("unsupported", kernel error).
std::unique_ptr<Poller> make_poller(std::string_view name, std::string* err);

}  // namespace rkv::net
