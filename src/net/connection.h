// Connection: one client byte stream, independent of how the kernel is driven.
//
// The owner (a server Client) never sees fds or pollers: it is told when bytes can be
// read or more can be written and calls read()/writev(). A readiness backend (epoll,
// poll, kqueue) implements this with plain syscalls; a completion backend (io_uring)
// implements the same calls over buffers it has already received or queued.
//
// Contract: read() and writev() never block. They return bytes moved (>0), 0 from read()
// at end of stream, or -1 with errno (EAGAIN: nothing now; anything else: broken).
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <string>

namespace rkv::net {

class ConnectionHandler {
 public:
  virtual void on_readable() = 0;
  virtual void on_writable() = 0;

 protected:
  ~ConnectionHandler() = default;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual ssize_t read(char* buf, size_t len) = 0;
  virtual ssize_t writev(const iovec* iov, int iovcnt) = 0;
  // Interest in readiness. Reads are on from the start; writes only while a reply is
  // stuck behind a full socket buffer.
  virtual void want_read(bool on) = 0;
  virtual void want_write(bool on) = 0;
  virtual void set_handler(ConnectionHandler* handler) = 0;

  // Descriptor for identification (CLIENT LIST fd=) and socket options; -1 if none.
  virtual int fd() const = 0;
  const std::string& peer() const { return peer_; }
  const std::string& local() const { return local_; }
  bool is_unix() const { return is_unix_; }

 protected:
  std::string peer_, local_;
  bool is_unix_ = false;
};

}  // namespace rkv::net
