#include "net/listener.h"

namespace rkv::net {

Listener::Listener(EventLoop& loop, Fd fd, bool is_unix, std::string name, AcceptFn on_accept)
    : loop_(loop),
      fd_(std::move(fd)),
      is_unix_(is_unix),
      name_(std::move(name)),
      on_accept_(std::move(on_accept)) {
  loop_.watch(fd_.get(), kReadable, this);
}

Listener::~Listener() {
  loop_.unwatch(fd_.get(), kReadable | kWritable);
}

void Listener::on_io(int, int) {
  for (int i = 0; i < kMaxAcceptsPerCall; i++) {
    std::string peer;
    Fd conn = accept_connection(fd_.get(), &peer);
    if (!conn.valid()) return;
    on_accept_(std::move(conn), is_unix_ ? name_ : std::move(peer), is_unix_);
  }
}

}  // namespace rkv::net
