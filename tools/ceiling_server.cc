// rkv-ceiling: the network-path ceiling for reactorkv (issue #3).
//
// A RESP server with no storage and no command table: it runs the same IO path as
// reactorkv (EventLoop over make_poller(), Listener, SocketConnection, RequestParser,
// ReplyBuffer flushed from the before-sleep hook) and answers every command with a fixed
// reply picked by its name. Whatever reactorkv costs beyond this server is the price of
// command dispatch and the data structures, not of the IO path.
//
//   rkv-ceiling --port 7500 --io-backend epoll|poll [--busy-poll-us 20] [--io-batch-wait-us 100]
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/event_loop.h"
#include "net/listener.h"
#include "net/poller.h"
#include "net/socket.h"
#include "net/socket_connection.h"
#include "resp/parser.h"
#include "resp/reply_buffer.h"

namespace {

using namespace rkv;

// Same sizes as the real server, so reads and writes are batched alike.
constexpr size_t kReadChunk = 16 * 1024;
constexpr int kMaxIov = 64;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

std::string_view reply_for(std::string_view cmd) {
  if (iequals(cmd, "PING")) return "+PONG\r\n";
  // A 3-byte value, the size redis-benchmark's -d default writes with SET.
  if (iequals(cmd, "GET")) return "$3\r\nxxx\r\n";
  // SET and everything else (redis-benchmark's CONFIG GET probe included) get +OK.
  return "+OK\r\n";
}

class Server;

class Client final : public net::ConnectionHandler {
 public:
  Client(Server& srv, uint64_t id, std::unique_ptr<net::Connection> conn)
      : srv_(srv), id_(id), conn_(std::move(conn)) {
    conn_->set_handler(this);
    conn_->want_read(true);
  }
  void on_readable() override;
  void on_writable() override { flush(); }
  // Writes pending replies; returns false when the client is gone.
  bool flush();

  uint64_t id() const { return id_; }
  bool queued = false;  // in the server's pending-writes list
  bool dead = false;

 private:
  Server& srv_;
  uint64_t id_;
  std::unique_ptr<net::Connection> conn_;
  std::vector<char> query_;  // received bytes (the real server's QueryBuffer)
  size_t len_ = 0;           // bytes of query_ in use, not yet parsed
  resp::RequestParser parser_;
  resp::ReplyBuffer out_;
  bool write_watched_ = false;
  bool close_after_flush_ = false;  // protocol error: reply, then close (as Redis)
};

class Server {
 public:
  explicit Server(net::EventLoop& loop) : loop_(loop) {
    // Replies go out once per loop iteration, as in reactorkv: one writev per client
    // for everything a wake-up produced.
    loop_.set_before_sleep([this] { before_sleep(); });
  }

  void accept(net::Fd fd, std::string peer, bool is_unix) {
    net::set_tcp_nodelay(fd.get());
    auto conn =
        std::make_unique<net::SocketConnection>(loop_, std::move(fd), std::move(peer), is_unix);
    uint64_t id = next_id_++;
    auto c = std::make_unique<Client>(*this, id, std::move(conn));
    clients_.emplace(id, std::move(c));
  }
  void queue_write(Client& c) {
    if (c.queued) return;
    c.queued = true;
    pending_.push_back(&c);
  }
  // Clients are freed only in before_sleep, never inside their own handler.
  void kill(Client& c) {
    if (c.dead) return;
    c.dead = true;
    closing_.push_back(c.id());
  }

 private:
  void before_sleep() {
    for (Client* c : pending_) {
      c->queued = false;
      if (!c->dead) c->flush();
    }
    pending_.clear();
    for (uint64_t id : closing_) clients_.erase(id);
    closing_.clear();
  }

  net::EventLoop& loop_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Client>> clients_;
  std::vector<Client*> pending_;
  std::vector<uint64_t> closing_;
};

void Client::on_readable() {
  if (dead) return;
  // The buffer grows (and is zero-filled) only when too small, then is reused as is:
  // no per-read clearing that the real server's QueryBuffer does not pay either.
  if (query_.size() - len_ < kReadChunk) query_.resize(len_ + kReadChunk);
  ssize_t n = conn_->read(query_.data() + len_, kReadChunk);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    srv_.kill(*this);
    return;
  }
  len_ += static_cast<size_t>(n);
  resp::ParserLimits limits;
  size_t pos = 0;
  while (pos < len_) {
    size_t consumed = 0;
    auto r = parser_.parse(std::string_view(query_.data() + pos, len_ - pos), limits, &consumed);
    if (r == resp::RequestParser::Result::kError) {
      out_.append("-ERR " + parser_.error() + "\r\n");
      srv_.queue_write(*this);
      pos = len_;
      close_after_flush_ = true;
      break;
    }
    pos += consumed;
    if (r == resp::RequestParser::Result::kIncomplete) break;
    auto args = parser_.args();
    if (!args.empty()) out_.append(reply_for(args[0]));
    srv_.queue_write(*this);
  }
  // Keep only the unfinished command, at the front.
  if (pos > 0 && pos < len_) std::memmove(query_.data(), query_.data() + pos, len_ - pos);
  len_ -= pos;
}

bool Client::flush() {
  iovec iov[kMaxIov];
  while (!out_.empty()) {
    int cnt = out_.gather(iov, kMaxIov);
    ssize_t n = conn_->writev(iov, cnt);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      srv_.kill(*this);
      return false;
    }
    out_.consume(static_cast<size_t>(n));
  }
  // Write interest only while a reply is stuck behind a full socket buffer.
  bool want = !out_.empty();
  if (want != write_watched_) {
    conn_->want_write(want);
    write_watched_ = want;
  }
  if (!want && close_after_flush_) {
    srv_.kill(*this);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 7500;
  std::string backend = net::default_poller_name();
  // reactorkv's default busy-poll-us: the loop must spin like the server it bounds, or
  // the gap would mix the cost of commands with the cost (and gain) of spinning.
  int busy_poll_us = 20;
  int batch_wait_us = 100;  // reactorkv's io-batch-wait-us on readiness backends, same reason
  for (int i = 1; i < argc; i++) {
    std::string_view a = argv[i];
    if (a == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else if (a == "--io-backend" && i + 1 < argc) {
      backend = argv[++i];
    } else if (a == "--busy-poll-us" && i + 1 < argc) {
      busy_poll_us = std::atoi(argv[++i]);
    } else if (a == "--io-batch-wait-us" && i + 1 < argc) {
      batch_wait_us = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: %s [--port N] [--io-backend epoll|poll] [--busy-poll-us N] "
                   "[--io-batch-wait-us N]\n",
                   argv[0]);
      return 2;
    }
  }

  std::signal(SIGPIPE, SIG_IGN);
  // No SA_RESTART: the signal interrupts the poller's wait, so the loop sees g_stop.
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  std::string err;
  auto poller = net::make_poller(backend, &err);
  if (!poller) {
    // No fallback: a benchmark must measure the backend it was asked for.
    std::fprintf(stderr, "rkv-ceiling: io-backend %s unavailable: %s\n", backend.c_str(),
                 err.c_str());
    return 1;
  }
  net::EventLoop loop(std::move(poller));
  loop.set_busy_poll_us(busy_poll_us);
  loop.set_batch_wait_us(batch_wait_us, 60);  // reactorkv's io-batch-min-cpu
  net::Fd fd = net::listen_tcp("127.0.0.1", port, 511, &err);
  if (!fd.valid()) {
    std::fprintf(stderr, "rkv-ceiling: cannot listen on port %d: %s\n", port, err.c_str());
    return 1;
  }
  Server srv(loop);
  net::Listener listener(loop, std::move(fd), false, "tcp",
                         [&srv](net::Fd f, std::string peer, bool is_unix) {
                           srv.accept(std::move(f), std::move(peer), is_unix);
                         });
  // A signal that lands between the g_stop check and the wait would otherwise go
  // unnoticed until the next request; a slow timer bounds that to 100 ms.
  loop.add_timer(100, [] { return int64_t{100}; });
  std::printf("rkv-ceiling: port %d, io-backend %s, pid %d\n", port, loop.backend(), getpid());
  std::fflush(stdout);
  while (!g_stop) loop.run_once(-1);
  std::printf("rkv-ceiling: exiting\n");
  return 0;
}
