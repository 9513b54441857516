// rkv-open-loop: request latency at a fixed offered rate (an open loop).
//
// redis-benchmark is a closed loop: each client sends its next request when the previous
// reply arrives, so a server that holds replies back slows the offered load down with it
// and its latency hides in the throughput. Here requests leave on a schedule, whatever the
// server does: GET key:<n> round-robin over the connections at --rate per second, and the
// latency of each is measured from its scheduled send time to its reply (so queueing
// behind a slow reply counts too). Prints p50, p90, p99, p99.9 and max in microseconds.
//
//   rkv-open-loop --port 6379 --rate 20000 --connections 50 --seconds 5
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Client {
  int fd = -1;
  std::deque<int64_t> sent;  // scheduled send times of requests awaiting a reply
  std::string in;
};

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    std::perror("connect");
    std::exit(2);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

// Consumes complete replies (+..., -..., :..., $n...) from c.in; returns how many.
int take_replies(Client& c) {
  int n = 0;
  size_t pos = 0;
  for (;;) {
    size_t eol = c.in.find("\r\n", pos);
    if (eol == std::string::npos) break;
    size_t end = eol + 2;
    if (c.in[pos] == '$') {
      long len = std::strtol(c.in.c_str() + pos + 1, nullptr, 10);
      if (len >= 0) {
        end += static_cast<size_t>(len) + 2;
        if (end > c.in.size()) break;
      }
    }
    pos = end;
    n++;
  }
  c.in.erase(0, pos);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 6379, conns = 50;
  double rate = 10000, seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view a = argv[i];
    if (a == "--port")
      port = std::atoi(argv[i + 1]);
    else if (a == "--rate")
      rate = std::atof(argv[i + 1]);
    else if (a == "--connections")
      conns = std::atoi(argv[i + 1]);
    else if (a == "--seconds")
      seconds = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--port N] [--rate R] [--connections C] [--seconds S]\n",
                   argv[0]);
      return 2;
    }
  }
  std::vector<Client> clients(static_cast<size_t>(conns));
  std::vector<pollfd> pfds(clients.size());
  for (size_t i = 0; i < clients.size(); i++) {
    clients[i].fd = connect_to(port);
    pfds[i] = {clients[i].fd, POLLIN, 0};
  }
  const int64_t interval = static_cast<int64_t>(1e9 / rate);
  const int64_t start = now_ns() + 100'000'000;  // 100 ms to settle
  const int64_t stop = start + static_cast<int64_t>(seconds * 1e9);
  int64_t next = start;
  uint64_t seq = 0;
  std::vector<int64_t> lat;
  lat.reserve(static_cast<size_t>(rate * seconds) + 16);
  char buf[65536];
  size_t outstanding = 0;
  while (true) {
    int64_t t = now_ns();
    // Send everything that is due (catching up after a stall keeps the schedule).
    while (next <= t && next < stop) {
      Client& c = clients[seq % clients.size()];
      std::string key = "key:" + std::to_string(seq % 100000);
      char req[128];
      int n = std::snprintf(req, sizeof(req), "*2\r\n$3\r\nGET\r\n$%zu\r\n%s\r\n", key.size(),
                            key.c_str());
      if (write(c.fd, req, static_cast<size_t>(n)) != n) {
        std::perror("write");
        return 1;
      }
      c.sent.push_back(next);
      outstanding++;
      seq++;
      next += interval;
    }
    if (next >= stop && outstanding == 0) break;
    if (t > stop + 5'000'000'000) {
      std::fprintf(stderr, "rkv-open-loop: %zu replies missing after 5 s\n", outstanding);
      return 1;
    }
    // Poll without sleeping past the next send (busy when it is due within 50 us).
    int64_t wait_ns = next < stop ? next - now_ns() : 1'000'000;
    int timeout = wait_ns > 1'000'000 ? static_cast<int>(wait_ns / 1'000'000) : 0;
    if (poll(pfds.data(), pfds.size(), timeout) <= 0) continue;
    for (size_t i = 0; i < clients.size(); i++) {
      if (!(pfds[i].revents & POLLIN)) continue;
      Client& c = clients[i];
      ssize_t r = read(c.fd, buf, sizeof(buf));
      if (r <= 0) {
        std::fprintf(stderr, "rkv-open-loop: connection closed\n");
        return 1;
      }
      c.in.append(buf, static_cast<size_t>(r));
      int got = take_replies(c);
      int64_t done = now_ns();
      for (int k = 0; k < got && !c.sent.empty(); k++) {
        lat.push_back(done - c.sent.front());
        c.sent.pop_front();
        outstanding--;
      }
    }
  }
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) {
    size_t i = std::min(lat.size() - 1, static_cast<size_t>(p * static_cast<double>(lat.size())));
    return static_cast<double>(lat[i]) / 1000.0;
  };
  std::printf(
      "requests %zu rate %.0f/s connections %d: p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f "
      "max %.1f us\n",
      lat.size(), rate, conns, pct(0.5), pct(0.9), pct(0.99), pct(0.999),
      static_cast<double>(lat.back()) / 1000.0);
  return 0;
}
