#include "net/reactor.h"

#include <cstdlib>
#include <cstring>
#include <vector>

#include "net/listener.h"
#include "net/socket_connection.h"

#ifdef RKV_HAVE_LIBURING
#include "net/uring_loop.h"
#endif

namespace rkv::net {
namespace {

// The readiness backends: an EventLoop over a Poller, Listeners that accept when the
// listening socket is readable, and SocketConnections doing plain syscalls.
class PollerReactor final : public Reactor {
 public:
  explicit PollerReactor(std::unique_ptr<Poller> poller) : loop_(std::move(poller)) {}
  ~PollerReactor() override { listeners_.clear(); }

  const char* backend() const override { return loop_.backend(); }
  uint64_t add_timer(int64_t delay_ms, TimerFn fn) override {
    return loop_.add_timer(delay_ms, std::move(fn));
  }
  void cancel_timer(uint64_t id) override { loop_.cancel_timer(id); }
  void set_before_sleep(Hook hook) override { loop_.set_before_sleep(std::move(hook)); }

  bool add_listener(Fd fd, bool is_unix, std::string name, AcceptFn on_accept,
                    std::string*) override {
    listeners_.push_back(std::make_unique<Listener>(
        loop_, std::move(fd), is_unix, std::move(name),
        [this, cb = std::move(on_accept)](Fd f, std::string peer, bool unix_sock) {
          // Build the connection first: it needs its own copy of peer.
          auto conn = std::make_unique<SocketConnection>(loop_, std::move(f), peer, unix_sock);
          cb(std::move(conn), std::move(peer));
        }));
    return true;
  }
  void close_listeners() override { listeners_.clear(); }

  void run_once(int timeout_ms) override { loop_.run_once(timeout_ms); }
  LoopStats& stats() override { return loop_.stats(); }
  void set_busy_poll_us(int us) override { loop_.set_busy_poll_us(us); }
  void set_batch_wait_us(int us, int min_cpu) override { loop_.set_batch_wait_us(us, min_cpu); }
  int batch_wait_us() const override { return loop_.batch_wait_us(); }

 private:
  EventLoop loop_;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

}  // namespace

std::unique_ptr<Reactor> make_reactor(std::string_view backend, std::string* err) {
  if (backend == "io_uring") {
    const char* fake = std::getenv("RKV_FAKE_URING_FAILURE");
    if (fake && std::strcmp(fake, "1") == 0) {
      *err = "io_uring_queue_init: Operation not permitted (simulated by RKV_FAKE_URING_FAILURE)";
      return nullptr;
    }
#ifdef RKV_HAVE_LIBURING
    return make_uring_loop(err);
#else
    *err = "io_uring support not compiled in (liburing not found at build time)";
    return nullptr;
#endif
  }
  auto poller = make_poller(backend, err);
  if (!poller) return nullptr;
  return std::make_unique<PollerReactor>(std::move(poller));
}

}  // namespace rkv::net
