#include "net/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rkv::net {

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void set_tcp_nodelay(int fd) {
  int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
}

void set_keepalive(int fd, int interval_s) {
  int yes = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes)) != 0) return;
  // Same schedule as Redis: first probe after interval, then every interval/3, 3 probes.
  int idle = interval_s, intvl = interval_s / 3 > 0 ? interval_s / 3 : 1, cnt = 3;
#if defined(TCP_KEEPIDLE)
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
#elif defined(TCP_KEEPALIVE)  // macOS's name for it
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPALIVE, &idle, sizeof(idle));
#endif
#if defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
#endif
  (void)idle, (void)intvl, (void)cnt;
}

namespace {

// For platforms whose socket() and accept() take no SOCK_NONBLOCK | SOCK_CLOEXEC (macOS).
[[maybe_unused]] Fd nonblocking_cloexec(Fd fd) {
  if (fd.valid() && (!set_nonblocking(fd.get()) || fcntl(fd.get(), F_SETFD, FD_CLOEXEC) != 0))
    return Fd();
  return fd;
}

// socket() with SOCK_NONBLOCK | SOCK_CLOEXEC where the flags exist (Linux, FreeBSD), and
// fcntl afterwards where they do not.
Fd new_socket(int domain, int type) {
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  return Fd(socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
#else
  return nonblocking_cloexec(Fd(socket(domain, type, 0)));
#endif
}

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

std::string format_sockaddr(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
    port = ntohs(a->sin6_port);
  } else {
    return "/unixsocket";
  }
  return std::string(ip) + ":" + std::to_string(port);
}

}  // namespace

Fd listen_tcp(const std::string& addr_in, int port, int backlog, std::string* err) {
  std::string addr = addr_in;
  bool v6 = addr.find(':') != std::string::npos;
  if (addr == "*") addr = "0.0.0.0";
  if (addr == "::*") addr = "::";
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = v6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  std::string port_s = std::to_string(port);
  if (int rc = getaddrinfo(addr.c_str(), port_s.c_str(), &hints, &res); rc != 0) {
    *err = std::string("getaddrinfo: ") + gai_strerror(rc);
    return Fd();
  }
  Fd fd = new_socket(res->ai_family, res->ai_socktype);
  if (!fd.valid()) {
    *err = errno_text("socket");
    freeaddrinfo(res);
    return Fd();
  }
  int yes = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  if (v6) setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
  bool ok = bind(fd.get(), res->ai_addr, res->ai_addrlen) == 0;
  freeaddrinfo(res);
  if (!ok) {
    *err = errno_text("bind");
    return Fd();
  }
  if (listen(fd.get(), backlog) != 0) {
    *err = errno_text("listen");
    return Fd();
  }
  return fd;
}

Fd listen_unix(const std::string& path, unsigned perm, int backlog, std::string* err) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) {
    *err = "unix socket path too long";
    return Fd();
  }
  Fd fd = new_socket(AF_UNIX, SOCK_STREAM);
  if (!fd.valid()) {
    *err = errno_text("socket");
    return Fd();
  }
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.data(), path.size());
  ::unlink(path.c_str());
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    *err = errno_text("bind");
    return Fd();
  }
  if (perm) chmod(path.c_str(), perm);
  if (listen(fd.get(), backlog) != 0) {
    *err = errno_text("listen");
    return Fd();
  }
  return fd;
}

Fd accept_connection(int listen_fd, std::string* peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
  Fd fd(accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
#else  // macOS: no accept4
  Fd fd = nonblocking_cloexec(Fd(accept(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len)));
#endif
  if (!fd.valid()) return Fd();
  if (peer) *peer = format_sockaddr(ss);
  return fd;
}

bool is_loopback_peer(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
  }
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr)) return true;
    // IPv4-mapped 127.x.x.x
    return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

std::string local_address(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  return format_sockaddr(ss);
}

std::string peer_address(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  return format_sockaddr(ss);
}

}  // namespace rkv::net
