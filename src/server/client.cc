#include "server/client.h"

#include "server/server.h"

namespace rkv::server {

Client::Client(Server& server, std::unique_ptr<net::Connection> conn, uint64_t id, int64_t now_ms)
    : ctime_ms(now_ms),
      last_interaction_ms(now_ms),
      server_(server),
      conn_(std::move(conn)),
      id_(id),
      reply_(out_, 2) {
  conn_->set_handler(this);
}

Client::~Client() = default;

void Client::on_readable() {
  server_.read_from_client(*this);
}
void Client::on_writable() {
  server_.write_to_client(*this);
}

}  // namespace rkv::server
