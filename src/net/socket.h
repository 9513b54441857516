// Sockets: RAII fds, listeners (TCP v4/v6, unix) and per-connection options.
#pragma once

#include <string>
#include <utility>

namespace rkv::net {

// Owns one file descriptor; closes it on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset();

 private:
  int fd_ = -1;
};

// Binds and listens on addr:port. addr "*" is every IPv4 address, "::*" every IPv6 one.
// On failure returns an invalid Fd and sets *err.
Fd listen_tcp(const std::string& addr, int port, int backlog, std::string* err);
Fd listen_unix(const std::string& path, unsigned perm, int backlog, std::string* err);

// Accepts one connection (non-blocking, close-on-exec). Returns an invalid Fd when none is
// pending (errno EAGAIN) or on error. *peer gets "ip:port" or the unix path.
Fd accept_connection(int listen_fd, std::string* peer);

bool set_nonblocking(int fd);
void set_tcp_nodelay(int fd);
void set_keepalive(int fd, int interval_s);
// True when the peer of a connected TCP socket is on a loopback address.
bool is_loopback_peer(int fd);
// "ip:port" of the local end (for CLIENT LIST laddr).
std::string local_address(int fd);
// "ip:port" of the remote end, for connections accepted without an address (io_uring).
std::string peer_address(int fd);

}  // namespace rkv::net
