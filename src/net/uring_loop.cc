#include "net/uring_loop.h"

#ifdef RKV_HAVE_LIBURING

#include <liburing.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iterator>
#include <unordered_map>
#include <vector>

#include "net/busy_poll.h"
#include "net/timer_list.h"
#include "net/wake_batcher.h"
#include "util/clock.h"
#include "util/log.h"

namespace rkv::net {
namespace {

// user_data = operation << 56 | id. Ids are never reused, so a late completion can only
// find the connection (or listener) it was meant for, or nothing.
enum Op : uint64_t { kAccept = 1, kRecv = 2, kSend = 3, kCancel = 4 };
constexpr int kOpShift = 56;
constexpr uint64_t kIdMask = (uint64_t{1} << kOpShift) - 1;
uint64_t pack(Op op, uint64_t id) {
  return (static_cast<uint64_t>(op) << kOpShift) | id;
}

constexpr unsigned kSqEntries = 1024;
constexpr unsigned kCqEntries = 4 * kSqEntries;  // multishot ops post many CQEs per SQE
// Provided buffers shared by every connection's recv: 512 x 16 KiB (PROTO_IOBUF_LEN).
constexpr unsigned kBufCount = 512;  // power of two (ring size)
constexpr size_t kBufSize = 16 * 1024;
constexpr uint16_t kBufGroup = 0;
// Bytes accepted by writev() but not yet sent before writev() says EAGAIN; on_writable is
// called again once less than half of it remains. Bounds the copy a slow reader costs.
constexpr size_t kSendLimit = 4 * 1024 * 1024;
constexpr size_t kSendLowWater = kSendLimit / 2;
// Small writes are appended to the last queued chunk up to this size (fewer send SQEs).
constexpr size_t kChunkMax = 256 * 1024;
constexpr int64_t kAcceptRetryMs = 10;
constexpr int64_t kLingerMs = 5000;
constexpr unsigned kFeatMinTimeout = 1U << 15;  // IORING_FEAT_MIN_TIMEOUT (Linux 6.12)

__kernel_timespec kernel_timespec(int ms) {
  __kernel_timespec ts{};
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = static_cast<long long>(ms % 1000) * 1000000;
  return ts;
}

// Memory mapped for the kernel (buffer ring and buffers): page aligned, outside the
// allocator so it does not show up as used_memory.
class Mapping {
 public:
  Mapping() = default;
  bool map(size_t len) {
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    p_ = p;
    len_ = len;
    return true;
  }
  ~Mapping() {
    if (p_) munmap(p_, len_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  void* get() const { return p_; }

 private:
  void* p_ = nullptr;
  size_t len_ = 0;
};

// Bytes a connection has accepted for sending. Owns the socket so that, when the
// connection is destroyed with bytes still queued, the loop can keep it ("lingering")
// until they are sent, and only then close the socket.
struct SendQueue {
  Fd fd;
  std::deque<std::string> chunks;  // front() is being sent from front_off
  size_t front_off = 0;
  size_t bytes = 0;  // unsent bytes
  bool in_flight = false;
};

class UringLoop;

class UringConnection final : public Connection {
 public:
  UringConnection(UringLoop& loop, uint64_t id, Fd fd, std::string peer, bool is_unix);
  ~UringConnection() override;

  ssize_t read(char* buf, size_t len) override;
  ssize_t writev(const iovec* iov, int iovcnt) override;
  void want_read(bool on) override;
  void want_write(bool on) override;
  void set_handler(ConnectionHandler* handler) override { handler_ = handler; }
  int fd() const override { return sq_->fd.get(); }

 private:
  friend class UringLoop;
  struct RecvBuf {
    uint16_t bid;
    uint32_t off;
    uint32_t len;
  };

  bool readable() const { return want_read_ && (inbox_bytes_ > 0 || eof_ || error_ != 0); }
  bool writable() const { return want_write_ && sq_->bytes < kSendLowWater; }

  UringLoop& loop_;
  uint64_t id_;
  ConnectionHandler* handler_ = nullptr;
  std::deque<RecvBuf> inbox_;  // received, not yet read; each holds a ring buffer
  size_t inbox_bytes_ = 0;
  bool recv_armed_ = false;
  bool eof_ = false;
  int error_ = 0;
  bool want_read_ = false;
  bool want_write_ = false;
  bool in_ready_ = false;
  uint64_t active_window_ = 0;  // last rate window in which it received data
  std::unique_ptr<SendQueue> sq_;
};

class UringLoop final : public Reactor {
 public:
  UringLoop() = default;
  ~UringLoop() override;
  bool init(std::string* err);

  const char* backend() const override { return "io_uring"; }
  bool completion_based() const override { return true; }
  uint64_t add_timer(int64_t delay_ms, TimerFn fn) override {
    return timers_.add(delay_ms, std::move(fn));
  }
  void cancel_timer(uint64_t id) override { timers_.cancel(id); }
  void set_before_sleep(Hook hook) override { before_sleep_ = std::move(hook); }
  bool add_listener(Fd fd, bool is_unix, std::string name, AcceptFn on_accept,
                    std::string* err) override;
  void close_listeners() override;
  void run_once(int timeout_ms) override;
  void drain(int timeout_ms) override;
  LoopStats& stats() override { return stats_; }
  void set_busy_poll_us(int us) override { busy_.set_budget_us(us); }
  // Needs the kernel's min-wait (IORING_FEAT_MIN_TIMEOUT, Linux 6.12); off without it.
  void set_batch_wait_us(int us, int min_cpu) override {
    batcher_.set_window_us(min_timeout_ ? us : 0);
    batcher_.set_min_cpu(min_cpu);
  }
  int batch_wait_us() const override { return batcher_.window_us(); }

  // For UringConnection.
  void register_conn(UringConnection* c) { conns_[c->id_] = c; }
  void unregister_conn(UringConnection& c);
  void arm_recv(UringConnection& c);
  void start_send(uint64_t id, SendQueue& q);
  void release_buffer(uint16_t bid);
  const char* buffer(uint16_t bid) const {
    return static_cast<const char*>(bufs_.get()) + static_cast<size_t>(bid) * kBufSize;
  }
  void mark_ready(UringConnection& c) {
    if (c.in_ready_) return;
    c.in_ready_ = true;
    ready_.push_back(c.id_);
    news_++;
  }

 private:
  struct ListenerState {
    Fd fd;
    bool is_unix;
    std::string name;
    AcceptFn on_accept;
    bool armed = false;
  };

  io_uring_sqe* get_sqe();
  void cancel(uint64_t user_data);
  bool arm_accept(size_t index);
  int wait(int timeout_ms);
  int enter(int timeout_ms, unsigned batch);
  void reap();
  void handle(const io_uring_cqe& cqe);
  void on_accept_cqe(uint64_t index, const io_uring_cqe& cqe);
  void on_recv_cqe(uint64_t id, const io_uring_cqe& cqe);
  void on_send_cqe(uint64_t id, const io_uring_cqe& cqe);
  void dispatch_ready();
  bool sends_pending() const;

  io_uring ring_{};
  bool ring_ok_ = false;
  Mapping br_mem_, bufs_;
  io_uring_buf_ring* br_ = nullptr;
  bool br_registered_ = false;
  std::vector<std::unique_ptr<ListenerState>> listeners_;  // index = id; closed: nullptr
  std::unordered_map<uint64_t, UringConnection*> conns_;
  std::unordered_map<uint64_t, std::unique_ptr<SendQueue>> lingering_;
  std::vector<uint64_t> ready_;  // connections with something for their handler
  std::vector<uint64_t> rearm_;  // connections whose recv ended for lack of buffers
  std::vector<io_uring_cqe> cqes_;
  TimerList timers_;
  // Connections made ready and connections accepted since wait() began: what ends a wait
  // or a busy-poll spin. Completions of our own sends alone do not.
  int news_ = 0;
  // Batched waits: completions to wait for (beyond our own sends) before waking up.
  WakeBatcher batcher_;
  unsigned batch_ = 0;
  unsigned sends_queued_ = 0;  // send SQEs not yet submitted
  bool ring_fd_registered_ = false;
  bool min_timeout_ = false;
  uint64_t next_conn_id_ = 1;
  Hook before_sleep_;
  BusyPoll busy_;
  LoopStats stats_;
};

// ---- UringConnection ----

UringConnection::UringConnection(UringLoop& loop, uint64_t id, Fd fd, std::string peer,
                                 bool is_unix)
    : loop_(loop), id_(id), sq_(std::make_unique<SendQueue>()) {
  sq_->fd = std::move(fd);
  peer_ = std::move(peer);
  is_unix_ = is_unix;
  local_ = is_unix ? peer_ : local_address(sq_->fd.get());
  loop_.register_conn(this);
}

UringConnection::~UringConnection() {
  for (const RecvBuf& b : inbox_) loop_.release_buffer(b.bid);
  loop_.unregister_conn(*this);
}

ssize_t UringConnection::read(char* buf, size_t len) {
  if (inbox_.empty()) {
    if (error_ != 0) {
      errno = error_;
      return -1;
    }
    if (eof_) return 0;
    errno = EAGAIN;
    return -1;
  }
  size_t done = 0;
  while (done < len && !inbox_.empty()) {
    RecvBuf& b = inbox_.front();
    size_t n = std::min<size_t>(len - done, b.len - b.off);
    std::memcpy(buf + done, loop_.buffer(b.bid) + b.off, n);
    done += n;
    b.off += static_cast<uint32_t>(n);
    if (b.off == b.len) {
      loop_.release_buffer(b.bid);
      inbox_.pop_front();
    }
  }
  inbox_bytes_ -= done;
  return static_cast<ssize_t>(done);
}

ssize_t UringConnection::writev(const iovec* iov, int iovcnt) {
  if (error_ != 0) {
    errno = error_;
    return -1;
  }
  SendQueue& q = *sq_;
  if (q.bytes >= kSendLimit) {
    errno = EAGAIN;
    return -1;
  }
  size_t room = kSendLimit - q.bytes;
  size_t copied = 0;
  for (int i = 0; i < iovcnt && room > 0; i++) {
    const char* p = static_cast<const char*>(iov[i].iov_base);
    size_t n = std::min(iov[i].iov_len, room);
    while (n > 0) {
      // The chunk being sent must not move: only append to a chunk that is not in flight.
      bool can_append = !q.chunks.empty() && q.chunks.back().size() < kChunkMax &&
                        !(q.in_flight && q.chunks.size() == 1);
      size_t take = n;
      if (can_append)
        take = std::min(n, kChunkMax - q.chunks.back().size());
      else
        q.chunks.emplace_back();
      q.chunks.back().append(p, take);
      p += take;
      n -= take;
      copied += take;
      room -= take;
    }
  }
  q.bytes += copied;
  if (!q.in_flight && q.bytes > 0) loop_.start_send(id_, q);
  if (error_ != 0) {  // could not even queue the send
    errno = error_;
    return -1;
  }
  return static_cast<ssize_t>(copied);
}

void UringConnection::want_read(bool on) {
  want_read_ = on;
  if (!on) return;
  if (!recv_armed_ && !eof_ && error_ == 0) loop_.arm_recv(*this);
  if (readable()) loop_.mark_ready(*this);
}

void UringConnection::want_write(bool on) {
  want_write_ = on;
  if (writable()) loop_.mark_ready(*this);
}

// ---- UringLoop ----

std::unique_ptr<Reactor> make_loop(std::string* err) {
  auto loop = std::make_unique<UringLoop>();
  if (!loop->init(err)) return nullptr;
  return loop;
}

bool UringLoop::init(std::string* err) {
  // Multishot recv with provided buffers needs Linux 6.0; on 5.19 the ring would set up
  // fine and then fail every receive. Refuse early so the server falls back to epoll.
  utsname un{};
  int major = 0, minor = 0;
  if (uname(&un) == 0 && std::sscanf(un.release, "%d.%d", &major, &minor) == 2 && major < 6) {
    *err = std::string("kernel ") + un.release + " lacks multishot recv (needs 6.0)";
    return false;
  }
  // Cheapest first: with DEFER_TASKRUN completions are only produced when we enter the
  // kernel to wait, i.e. never in the middle of handling a batch. Older kernels refuse
  // the flags with EINVAL, so fall back step by step.
  const unsigned variants[] = {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
                               IORING_SETUP_COOP_TASKRUN, 0};
  const char* names[] = {"single_issuer+defer_taskrun", "coop_taskrun", "default"};
  int r = -EINVAL;
  const char* mode = "";
  for (size_t i = 0; i < std::size(variants); i++) {
    io_uring_params p{};
    p.flags = variants[i] | IORING_SETUP_CQSIZE;
    p.cq_entries = kCqEntries;
    r = io_uring_queue_init_params(kSqEntries, &ring_, &p);
    mode = names[i];
    if (r != -EINVAL) break;
  }
  if (r < 0) {
    *err = std::string("io_uring_queue_init: ") + std::strerror(-r);
    return false;
  }
  ring_ok_ = true;
  // Every io_uring_enter otherwise looks the ring's fd up (fget/fput: 3% of the CPU under
  // load in perf). Optional: without it (kernel < 5.18) liburing passes the plain fd.
  ring_fd_registered_ = io_uring_register_ring_fd(&ring_) == 1;
  min_timeout_ = (ring_.features & kFeatMinTimeout) != 0;

  if (!br_mem_.map(kBufCount * sizeof(io_uring_buf)) || !bufs_.map(kBufCount * kBufSize)) {
    *err = "io_uring: cannot map receive buffers";
    return false;
  }
  br_ = static_cast<io_uring_buf_ring*>(br_mem_.get());
  io_uring_buf_ring_init(br_);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(br_);
  reg.ring_entries = kBufCount;
  reg.bgid = kBufGroup;
  r = io_uring_register_buf_ring(&ring_, &reg, 0);
  if (r < 0) {
    *err = std::string("io_uring_register_buf_ring: ") + std::strerror(-r);
    return false;
  }
  br_registered_ = true;
  for (unsigned i = 0; i < kBufCount; i++)
    io_uring_buf_ring_add(br_, static_cast<char*>(bufs_.get()) + i * kBufSize, kBufSize,
                          static_cast<unsigned short>(i), io_uring_buf_ring_mask(kBufCount),
                          static_cast<int>(i));
  io_uring_buf_ring_advance(br_, kBufCount);
  cqes_.reserve(kCqEntries);
  LOG_NOTICE("io_uring ready: %s task running%s, %u receive buffers of %zu bytes", mode,
             ring_fd_registered_ ? ", registered ring fd" : "", kBufCount, kBufSize);
  return true;
}

UringLoop::~UringLoop() {
  listeners_.clear();
  if (ring_ok_) {
    // Tearing the ring down cancels what is still in flight; lingering sends that did not
    // finish in drain() are dropped with it.
    if (br_registered_) io_uring_unregister_buf_ring(&ring_, kBufGroup);
    io_uring_queue_exit(&ring_);
  }
}

io_uring_sqe* UringLoop::get_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  for (int i = 0; !sqe && i < 2; i++) {
    // Submission queue full (a burst of new work): hand it to the kernel now.
    io_uring_submit(&ring_);
    stats_.submit_calls++;
    sends_queued_ = 0;
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void UringLoop::cancel(uint64_t user_data) {
  io_uring_sqe* sqe = get_sqe();
  if (!sqe) return;  // the ring teardown will cancel it
  io_uring_prep_cancel64(sqe, user_data, 0);
  io_uring_sqe_set_data64(sqe, pack(kCancel, 0));
}

void UringLoop::release_buffer(uint16_t bid) {
  io_uring_buf_ring_add(br_, static_cast<char*>(bufs_.get()) + static_cast<size_t>(bid) * kBufSize,
                        kBufSize, bid, io_uring_buf_ring_mask(kBufCount), 0);
  io_uring_buf_ring_advance(br_, 1);
}

void UringLoop::unregister_conn(UringConnection& c) {
  conns_.erase(c.id_);
  if (c.recv_armed_) cancel(pack(kRecv, c.id_));
  SendQueue& q = *c.sq_;
  if (q.bytes > 0 && q.in_flight && c.error_ == 0) {
    // Accepted bytes are ours to deliver (e.g. an error reply before closing), as a
    // closed socket still delivers what sits in its kernel buffer. A peer that does not
    // read them within kLingerMs is cut off: the failed send then frees the queue.
    const uint64_t id = c.id_;
    lingering_[id] = std::move(c.sq_);
    add_timer(kLingerMs, [this, id] {
      if (auto it = lingering_.find(id); it != lingering_.end()) {
        ::shutdown(it->second->fd.get(), SHUT_RDWR);
        cancel(pack(kSend, id));
      }
      return int64_t{-1};
    });
  } else if (q.in_flight) {
    cancel(pack(kSend, c.id_));
    // The kernel may still read the chunk until the cancel lands: keep it alive.
    lingering_[c.id_] = std::move(c.sq_);
  }
}

void UringLoop::arm_recv(UringConnection& c) {
  io_uring_sqe* sqe = get_sqe();
  if (!sqe) {
    rearm_.push_back(c.id_);
    return;
  }
  io_uring_prep_recv_multishot(sqe, c.sq_->fd.get(), nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufGroup;
  io_uring_sqe_set_data64(sqe, pack(kRecv, c.id_));
  c.recv_armed_ = true;
}

void UringLoop::start_send(uint64_t id, SendQueue& q) {
  io_uring_sqe* sqe = get_sqe();
  if (!sqe) {
    auto it = conns_.find(id);
    if (it != conns_.end()) {
      it->second->error_ = ENOMEM;
      mark_ready(*it->second);
    }
    return;
  }
  const std::string& front = q.chunks.front();
  io_uring_prep_send(sqe, q.fd.get(), front.data() + q.front_off, front.size() - q.front_off,
                     MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, pack(kSend, id));
  q.in_flight = true;
  sends_queued_++;
}

bool UringLoop::arm_accept(size_t index) {
  ListenerState* l = listeners_[index].get();
  if (!l) return false;
  io_uring_sqe* sqe = get_sqe();
  if (!sqe) return false;
  io_uring_prep_multishot_accept(sqe, l->fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, pack(kAccept, index));
  l->armed = true;
  return true;
}

bool UringLoop::add_listener(Fd fd, bool is_unix, std::string name, AcceptFn on_accept,
                             std::string* err) {
  listeners_.push_back(std::make_unique<ListenerState>(
      ListenerState{std::move(fd), is_unix, std::move(name), std::move(on_accept)}));
  if (!arm_accept(listeners_.size() - 1)) {
    *err = "io_uring: cannot queue accept";
    return false;
  }
  return true;
}

void UringLoop::close_listeners() {
  for (size_t i = 0; i < listeners_.size(); i++) {
    if (listeners_[i] && listeners_[i]->armed) cancel(pack(kAccept, i));
    listeners_[i].reset();
  }
}

int UringLoop::wait(int timeout_ms) {
  // Sends submitted by this very call mostly complete inline, so the kernel has CQEs for
  // us at once. Returning them as "events" would cost a whole loop iteration (and end a
  // busy-poll spin) for bookkeeping only: handle them here and keep waiting instead.
  const int64_t deadline = timeout_ms > 0 ? mono_ms() + timeout_ms : 0;
  unsigned batch = timeout_ms != 0 ? batch_ : 0;
  news_ = 0;
  for (;;) {
    const int r = enter(timeout_ms, batch);
    batch = 0;  // the batching window is over
    reap();
    if (news_ > 0 || timeout_ms == 0 || r < 0) break;  // r < 0: timeout, signal
    if (timeout_ms > 0) {
      timeout_ms = static_cast<int>(deadline - mono_ms());
      if (timeout_ms <= 0) break;
    }
  }
  batcher_.add_events(static_cast<uint64_t>(news_));
  return news_;
}

int UringLoop::enter(int timeout_ms, unsigned batch) {
  // Each call submits everything queued since the last one and collects completions, in
  // one io_uring_enter.
  int r;
  if (timeout_ms == 0) {
    // A poll (busy polling, or handlers still have unread data): GETEVENTS with nothing to
    // wait for runs the deferred task work and returns. A timed wait with a zero timeout
    // would arm an hrtimer and go through the scheduler instead: under load that was a
    // fifth of the server's CPU (perf: io_cqring_wait).
    r = io_uring_submit_and_get_events(&ring_);
  } else if (batch > 0) {
    // Wait for `batch` completions beyond those of the sends submitted here (they complete
    // inline and count towards min_complete), but after the batch window return with whatever
    // has arrived (IORING_FEAT_MIN_TIMEOUT; liburing 2.3 calls the field `pad`).
    const unsigned want = sends_queued_ + batch;
    __kernel_timespec ts = kernel_timespec(timeout_ms);
    io_uring_getevents_arg arg{};
    arg.pad = static_cast<uint32_t>(batcher_.window_us());
    arg.ts = timeout_ms >= 0 ? reinterpret_cast<uint64_t>(&ts) : 0;
    // What io_uring_submit() does before entering: publish the queued SQEs.
    io_uring_sq& sq = ring_.sq;
    if (sq.sqe_head != sq.sqe_tail) {
      sq.sqe_head = sq.sqe_tail;
      io_uring_smp_store_release(sq.ktail, sq.sqe_tail);
    }
    const unsigned to_submit = sq.sqe_tail - io_uring_smp_load_acquire(sq.khead);
    unsigned flags = IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG;
    if (ring_fd_registered_) flags |= IORING_ENTER_REGISTERED_RING;
    r = io_uring_enter2(static_cast<unsigned>(ring_.enter_ring_fd), to_submit, want, flags,
                        reinterpret_cast<sigset_t*>(&arg), sizeof(arg));
  } else if (timeout_ms < 0) {
    r = io_uring_submit_and_wait(&ring_, 1);
  } else {
    __kernel_timespec ts = kernel_timespec(timeout_ms);
    io_uring_cqe* cqe = nullptr;
    r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
  }
  stats_.submit_calls++;
  stats_.wait_calls++;
  sends_queued_ = 0;
  return r;
}

void UringLoop::reap() {
  // Copy the batch out first: handlers queue new SQEs (and may submit when the SQ is
  // full), and a CQE must not be looked at after its slot is released.
  for (;;) {
    cqes_.clear();
    unsigned head;
    io_uring_cqe* cqe;
    unsigned n = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      cqes_.push_back(*cqe);
      if (++n == kCqEntries) break;
    }
    if (n == 0) return;
    io_uring_cq_advance(&ring_, n);
    stats_.events += n;
    for (const io_uring_cqe& c : cqes_) handle(c);
  }
}

void UringLoop::handle(const io_uring_cqe& cqe) {
  const uint64_t op = cqe.user_data >> kOpShift;
  const uint64_t id = cqe.user_data & kIdMask;
  switch (op) {
    case kAccept:
      on_accept_cqe(id, cqe);
      break;
    case kRecv:
      on_recv_cqe(id, cqe);
      break;
    case kSend:
      on_send_cqe(id, cqe);
      break;
    default:
      break;  // cancel results: nothing to do
  }
}

void UringLoop::on_accept_cqe(uint64_t index, const io_uring_cqe& cqe) {
  ListenerState* l = index < listeners_.size() ? listeners_[index].get() : nullptr;
  if (!l) {
    if (cqe.res >= 0) Fd closer(cqe.res);  // accepted just before the listener closed
    return;
  }
  if (!(cqe.flags & IORING_CQE_F_MORE)) {
    l->armed = false;
    if (cqe.res >= 0) {
      arm_accept(index);
    } else {
      // EMFILE and friends: retry a little later rather than spin on the error.
      add_timer(kAcceptRetryMs, [this, index] {
        if (index < listeners_.size() && listeners_[index] && !listeners_[index]->armed)
          arm_accept(index);
        return int64_t{-1};
      });
    }
  }
  if (cqe.res < 0) {
    LOG_VERBOSE("Accepting client connection: %s", std::strerror(-cqe.res));
    return;
  }
  news_++;
  Fd fd(cqe.res);
  std::string peer = l->is_unix ? l->name : peer_address(fd.get());
  auto conn =
      std::make_unique<UringConnection>(*this, next_conn_id_++, std::move(fd), peer, l->is_unix);
  l->on_accept(std::move(conn), std::move(peer));
}

void UringLoop::on_recv_cqe(uint64_t id, const io_uring_cqe& cqe) {
  const bool has_buf = cqe.flags & IORING_CQE_F_BUFFER;
  const auto bid = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
  auto it = conns_.find(id);
  if (it == conns_.end()) {
    if (has_buf) release_buffer(bid);  // connection gone: the data goes nowhere
    return;
  }
  UringConnection& c = *it->second;
  if (!(cqe.flags & IORING_CQE_F_MORE)) c.recv_armed_ = false;
  if (cqe.res > 0 && has_buf) {
    c.inbox_.push_back({bid, 0, static_cast<uint32_t>(cqe.res)});
    c.inbox_bytes_ += static_cast<size_t>(cqe.res);
    stats_.read_completions++;
    batcher_.mark_active(c.active_window_);
    if (!c.recv_armed_) arm_recv(c);  // the kernel ended the multishot; keep receiving
  } else if (cqe.res == 0) {
    if (has_buf) release_buffer(bid);
    c.eof_ = true;
  } else if (cqe.res == -ENOBUFS) {
    // Every buffer is held by unread data; re-arm once readers have returned some.
    rearm_.push_back(id);
    return;
  } else if (cqe.res == -ECANCELED) {
    return;
  } else if (cqe.res < 0) {
    c.error_ = -cqe.res;
  }
  if (c.readable()) mark_ready(c);
}

void UringLoop::on_send_cqe(uint64_t id, const io_uring_cqe& cqe) {
  UringConnection* c = nullptr;
  SendQueue* q = nullptr;
  if (auto it = conns_.find(id); it != conns_.end()) {
    c = it->second;
    q = c->sq_.get();
  } else if (auto lit = lingering_.find(id); lit != lingering_.end()) {
    q = lit->second.get();
  } else {
    return;
  }
  q->in_flight = false;
  if (cqe.res < 0) {
    if (c) {
      c->error_ = -cqe.res;
      q->chunks.clear();
      q->front_off = 0;
      q->bytes = 0;
      mark_ready(*c);
    } else {
      lingering_.erase(id);
    }
    return;
  }
  stats_.write_completions++;
  // A short send leaves the rest of the chunk for the next send.
  q->front_off += static_cast<size_t>(cqe.res);
  q->bytes -= static_cast<size_t>(cqe.res);
  if (q->front_off == q->chunks.front().size()) {
    q->chunks.pop_front();
    q->front_off = 0;
  }
  if (q->bytes > 0 && (c || cqe.res > 0)) {
    start_send(id, *q);
  } else if (!c) {
    lingering_.erase(id);  // all delivered (or the peer stopped taking): close
    return;
  }
  if (c && c->writable()) mark_ready(*c);
}

void UringLoop::dispatch_ready() {
  std::vector<uint64_t> batch;
  batch.swap(ready_);
  for (uint64_t id : batch) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    UringConnection* c = it->second;
    c->in_ready_ = false;
    if (c->readable() && c->handler_) c->handler_->on_readable();
    it = conns_.find(id);  // handlers do not destroy connections, but be defensive
    if (it == conns_.end()) continue;
    c = it->second;
    if (c->writable() && c->handler_) c->handler_->on_writable();
    // Level-triggered like epoll: unread data keeps the connection ready.
    if (c->want_read_ && c->inbox_bytes_ > 0) mark_ready(*c);
  }
}

void UringLoop::run_once(int timeout_ms) {
  if (before_sleep_) before_sleep_();
  if (!rearm_.empty()) {
    std::vector<uint64_t> ids;
    ids.swap(rearm_);
    for (uint64_t id : ids) {
      auto it = conns_.find(id);
      if (it == conns_.end()) continue;
      UringConnection& c = *it->second;
      if (!c.recv_armed_ && !c.eof_ && c.error_ == 0) arm_recv(c);
    }
  }
  int timer_timeout = timers_.next_timeout_ms();
  if (timeout_ms < 0 || (timer_timeout >= 0 && timer_timeout < timeout_ms))
    timeout_ms = timer_timeout;
  // Unread data: do not sleep. The before-sleep hook may have read what a handler left
  // (the server reads parked clients there), so check again rather than trust the list.
  std::erase_if(ready_, [this](uint64_t id) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return true;
    UringConnection& c = *it->second;
    if (c.readable() || c.writable()) return false;
    c.in_ready_ = false;
    return true;
  });
  if (!ready_.empty()) timeout_ms = 0;

  // Spinning means entering the kernel without sleeping: with DEFER_TASKRUN completions
  // are only produced on entry. wait() has handled the completions when it returns.
  // While batching, a spin would end at the first completion and defeat the batch: the
  // batched wait takes its place (its wake-up is shared by the whole batch).
  // Planned only for a wait that may sleep, as EventLoop does (a poll has nothing to batch).
  batch_ = timeout_ms != 0 ? batcher_.plan(stats_) : 0;
  if (batch_ > 0) {
    const int64_t t0 = mono_us();
    wait(timeout_ms);
    stats_.wait_us += static_cast<uint64_t>(mono_us() - t0);
  } else {
    busy_.wait(timeout_ms, stats_, [this](int t) { return wait(t); });
  }
  stats_.iterations++;
  dispatch_ready();
  timers_.run_due();
}

bool UringLoop::sends_pending() const {
  if (!lingering_.empty()) return true;
  for (const auto& [id, c] : conns_)
    if (c->sq_->in_flight) return true;
  return false;
}

void UringLoop::drain(int timeout_ms) {
  close_listeners();
  const int64_t deadline = mono_ms() + timeout_ms;
  while (sends_pending()) {
    int64_t left = deadline - mono_ms();
    if (left <= 0) break;
    enter(static_cast<int>(std::min<int64_t>(left, 10)), 0);
    reap();
  }
}

}  // namespace

std::unique_ptr<Reactor> make_uring_loop(std::string* err) {
  return make_loop(err);
}

}  // namespace rkv::net

#endif  // RKV_HAVE_LIBURING
