#include "server/client.h"

#include <cerrno>

#include "server/server.h"

namespace rkv::server {
namespace {

// The stream of a client that has none: always at its end.
class NoConnection final : public net::Connection {
 public:
  ssize_t read(char*, size_t) override { return 0; }
  ssize_t writev(const iovec*, int) override {
    errno = EPIPE;
    return -1;
  }
  void want_read(bool) override {}
  void want_write(bool) override {}
  void set_handler(net::ConnectionHandler*) override {}
  int fd() const override { return -1; }
};

}  // namespace

Client::Client(Server& server, std::unique_ptr<net::Connection> conn, uint64_t id, int64_t now_ms)
    : ctime_ms(now_ms),
      last_interaction_ms(now_ms),
      server_(server),
      conn_(std::move(conn)),
      id_(id),
      reply_(out_, 2) {
  conn_->set_handler(this);
}

Client::Client(Server& server, uint64_t id, int64_t now_ms)
    : Client(server, std::make_unique<NoConnection>(), id, now_ms) {}

Client::~Client() = default;

size_t Client::memory_usage() const {
  // Per WATCHed key and per subscription: roughly the index entry that points back here.
  constexpr size_t kIndexEntry = 4 * sizeof(void*);
  return sizeof(Client) + query.capacity() + out_.allocated() + (multi ? multi->memory() : 0) +
         watch.keys.capacity() * (sizeof(WatchState::Key) + kIndexEntry) +
         subs.total() * kIndexEntry;
}

void Client::on_readable() {
  server_.read_from_client(*this);
}
void Client::on_writable() {
  server_.write_to_client(*this);
}

}  // namespace rkv::server
