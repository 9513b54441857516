// Listener: a listening socket that accepts connections when readable and hands each
// accepted fd to its owner. Accepts up to kMaxAcceptsPerCall per wake (as Redis), so a
// connection storm cannot starve established clients.
#pragma once

#include <functional>
#include <string>

#include "net/event_loop.h"
#include "net/socket.h"

namespace rkv::net {

class Listener final : private IoHandler {
 public:
  using AcceptFn = std::function<void(Fd fd, std::string peer, bool is_unix)>;
  static constexpr int kMaxAcceptsPerCall = 1000;

  Listener(EventLoop& loop, Fd fd, bool is_unix, std::string name, AcceptFn on_accept);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  const std::string& name() const { return name_; }
  int fd() const { return fd_.get(); }

 private:
  void on_io(int fd, int mask) override;

  EventLoop& loop_;
  Fd fd_;
  bool is_unix_;
  std::string name_;
  AcceptFn on_accept_;
};

}  // namespace rkv::net
