#include "net/socket_connection.h"

#include <unistd.h>

#include <cerrno>

namespace rkv::net {

SocketConnection::SocketConnection(EventLoop& loop, Fd fd, std::string peer, bool is_unix)
    : loop_(loop), fd_(std::move(fd)) {
  peer_ = std::move(peer);
  is_unix_ = is_unix;
  local_ = is_unix ? peer_ : local_address(fd_.get());
}

SocketConnection::~SocketConnection() {
  loop_.unwatch(fd_.get(), kReadable | kWritable);
}

ssize_t SocketConnection::read(char* buf, size_t len) {
  ssize_t n;
  do {
    n = ::read(fd_.get(), buf, len);
  } while (n < 0 && errno == EINTR);
  return n;
}

ssize_t SocketConnection::writev(const iovec* iov, int iovcnt) {
  ssize_t n;
  do {
    n = iovcnt == 1 ? ::write(fd_.get(), iov[0].iov_base, iov[0].iov_len)
                    : ::writev(fd_.get(), iov, iovcnt);
  } while (n < 0 && errno == EINTR);
  return n;
}

void SocketConnection::want_read(bool on) {
  if (on)
    loop_.watch(fd_.get(), kReadable, this);
  else
    loop_.unwatch(fd_.get(), kReadable);
}

void SocketConnection::want_write(bool on) {
  if (on)
    loop_.watch(fd_.get(), kWritable, this);
  else
    loop_.unwatch(fd_.get(), kWritable);
}

void SocketConnection::on_io(int, int mask) {
  if (!handler_) return;
  if (mask & kReadable) handler_->on_readable();
  if (mask & kWritable) handler_->on_writable();
}

}  // namespace rkv::net
