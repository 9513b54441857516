// SocketConnection: a Connection driven by readiness events from an EventLoop.
#pragma once

#include <memory>

#include "net/connection.h"
#include "net/event_loop.h"
#include "net/socket.h"

namespace rkv::net {

class SocketConnection final : public Connection, private IoHandler {
 public:
  SocketConnection(EventLoop& loop, Fd fd, std::string peer, bool is_unix);
  ~SocketConnection() override;

  ssize_t read(char* buf, size_t len) override;
  ssize_t writev(const iovec* iov, int iovcnt) override;
  void want_read(bool on) override;
  void want_write(bool on) override;
  void set_handler(ConnectionHandler* handler) override { handler_ = handler; }
  int fd() const override { return fd_.get(); }

 private:
  void on_io(int fd, int mask) override;

  EventLoop& loop_;
  Fd fd_;
  ConnectionHandler* handler_ = nullptr;
};

}  // namespace rkv::net
