#include "net/poller.h"

namespace rkv::net {

const char* default_poller_name() {
#ifdef __linux__
  return "epoll";
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
  return "kqueue";
#else
  return "poll";
#endif
}

std::unique_ptr<Poller> make_poller(std::string_view name, std::string* err) {
  if (name == "epoll") return make_epoll_poller(err);
  if (name == "kqueue") return make_kqueue_poller(err);
  if (name == "poll") return make_poll_poller(err);
  *err = "unknown io backend '" + std::string(name) + "'";
  return nullptr;
}

}  // namespace rkv::net
