// Reactor: what the Server needs from an IO backend, whether readiness-driven (epoll,
// poll, kqueue through EventLoop) or completion-driven (io_uring through UringLoop).
//
// Contract (every backend):
//  - single-threaded: every call, callback and Connection method runs on the loop's thread;
//  - run_once() is the only call that may block: at most until the earliest of timeout_ms
//    (-1: none), the next timer, or IO becoming ready. Everything else returns at once;
//  - order of one iteration: before_sleep hook -> kernel wait (this is where a completion
//    backend submits the operations queued since the last wait, in one system call) ->
//    accept callbacks and Connection handlers -> due timers;
//  - Connection::read()/writev() never block (see connection.h). Buffers passed to them are
//    owned by the caller and only used during the call: a completion backend copies what
//    it must keep. Bytes a writev() accepted are the backend's to deliver, even if the
//    Connection is destroyed right after (the bytes are sent, then the socket is closed;
//    a peer that does not read them is cut off after a few seconds);
//  - a Connection may be destroyed at any time outside its own handler; operations still
//    in flight in the kernel for it are cancelled and their completions ignored (except
//    sends of accepted bytes, which continue for a bounded time: see above);
//  - accept callbacks own the Connection they receive; dropping it closes the socket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/connection.h"
#include "net/event_loop.h"
#include "net/socket.h"

namespace rkv::net {

class Reactor {
 public:
  using TimerFn = std::function<int64_t()>;  // returns the next delay in ms, or -1 to stop
  using Hook = std::function<void()>;
  // peer: "ip:port", or the socket path for unix listeners.
  using AcceptFn = std::function<void(std::unique_ptr<Connection> conn, std::string peer)>;

  virtual ~Reactor() = default;

  // "epoll", "poll", "kqueue", "io_uring": what INFO reports.
  virtual const char* backend() const = 0;
  // True when reads and writes are completions rather than system calls (INFO io).
  virtual bool completion_based() const { return false; }

  virtual uint64_t add_timer(int64_t delay_ms, TimerFn fn) = 0;
  virtual void cancel_timer(uint64_t id) = 0;
  virtual void set_before_sleep(Hook hook) = 0;

  // Takes ownership of a listening socket and reports each accepted connection.
  virtual bool add_listener(Fd fd, bool is_unix, std::string name, AcceptFn on_accept,
                            std::string* err) = 0;
  // Closes every listener (shutdown: stop accepting before the last flush).
  virtual void close_listeners() = 0;

  virtual void run_once(int timeout_ms) = 0;
  // At shutdown, after the last writes: gives queued output up to timeout_ms to reach the
  // kernel. Readiness backends write synchronously and return at once.
  virtual void drain(int timeout_ms) { (void)timeout_ms; }

  virtual LoopStats& stats() = 0;
  // See EventLoop::set_busy_poll_us. io_uring spins the same way, entering the kernel
  // without sleeping; a backend without busy polling may ignore it.
  virtual void set_busy_poll_us(int us) = 0;
  // Wake-up coalescing under concurrent load (see WakeBatcher): a wait may be held back up
  // to `us` microseconds to collect a batch of events; 0: off. Busy polling does not run
  // while a wait is batched.
  // min_cpu: batch only while the loop thread is busier than this many percent; 0: always.
  virtual void set_batch_wait_us(int us, int min_cpu) = 0;
  // The window in effect (0 when off, or when the backend cannot batch on this kernel).
  virtual int batch_wait_us() const = 0;
};

// Creates the named backend ("epoll", "poll", "kqueue", "io_uring"), or nullptr with *err
// set when it is unknown, not compiled in, or refused by the kernel. The caller decides
// whether to fall back. RKV_FAKE_URING_FAILURE=1 in the environment makes "io_uring" fail
// as a kernel refusal would (tests of the fallback path).
std::unique_ptr<Reactor> make_reactor(std::string_view backend, std::string* err);

}  // namespace rkv::net
