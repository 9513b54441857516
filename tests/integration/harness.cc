#include "harness.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/io_uring.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace rkv::test {

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  int port = ntohs(sa.sin_port);
  close(fd);
  return port;
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : ServerProcess(std::move(extra_args), SpawnOptions{}) {}

ServerProcess::ServerProcess(std::vector<std::string> extra_args, const SpawnOptions& options) {
  for (int attempt = 0; attempt < 5; attempt++) {
    port_ = free_port();
    char tmpl[] = "/tmp/rkv-test-XXXXXX";
    int lfd = mkstemp(tmpl);
    log_path_ = tmpl;
    std::vector<std::string> args = {RKV_SERVER_BINARY};
    if (!options.config_file.empty()) args.push_back(options.config_file);
    for (const char* a : {"--port", "", "--bind", "127.0.0.1", "--loglevel", "verbose"})
      args.emplace_back(a);
    args[args.size() - 5] = std::to_string(port_);
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
#ifdef __linux__
      // A test process killed before its destructors run (ctest's timeout sends SIGKILL)
      // takes its server with it instead of leaving it behind.
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(125);
#endif
      if (options.nofile_soft || options.nofile_hard) {
        rlimit rl{};
        getrlimit(RLIMIT_NOFILE, &rl);
        if (options.nofile_hard) rl.rlim_max = options.nofile_hard;
        if (options.nofile_soft) rl.rlim_cur = options.nofile_soft;
        if (rl.rlim_cur > rl.rlim_max) rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) _exit(126);
      }
      dup2(lfd, 1);
      dup2(lfd, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(lfd);
    // Wait until it answers PING.
    for (int i = 0; i < 500; i++) {
      if (!alive()) break;
      timeval tv{0, 200000};
      redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
      if (c && !c->err) {
        auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
        bool ok = r && (r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR);
        if (r) freeReplyObject(r);
        redisFree(c);
        if (ok) return;
      } else if (c) {
        redisFree(c);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop();  // port race or crash: try another port
  }
  ADD_FAILURE() << "server did not start; log:\n" << log();
}

ServerProcess::~ServerProcess() {
  stop();
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

bool ServerProcess::alive() {
  if (pid_ <= 0) return false;
  int status;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = -1;
  for (int i = 0; i < 1000; i++) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

int ServerProcess::wait_exit(int timeout_ms) {
  if (pid_ <= 0) return -1;
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Conn::Conn(int port, double timeout_s) {
  timeval tv{static_cast<time_t>(timeout_s),
             static_cast<suseconds_t>((timeout_s - static_cast<long>(timeout_s)) * 1e6)};
  ctx_ = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (!ctx_ || ctx_->err) {
    ADD_FAILURE() << "connect failed: " << (ctx_ ? ctx_->errstr : "alloc");
    return;
  }
  redisSetTimeout(ctx_, tv);
}

Conn::~Conn() {
  if (ctx_) redisFree(ctx_);
}

ReplyPtr Conn::cmd(const std::vector<std::string>& args) {
  append(args);
  return read_reply();
}

ReplyPtr Conn::cmd(std::initializer_list<std::string_view> args) {
  std::vector<std::string> v;
  for (auto a : args) v.emplace_back(a);
  return cmd(v);
}

void Conn::append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data());
}

void Conn::flush() {
  int done = 0;
  while (!done && redisBufferWrite(ctx_, &done) == REDIS_OK) {
  }
}

void Conn::send(const std::vector<std::string>& args) {
  append(args);
  flush();
}

ReplyPtr Conn::read_reply() {
  void* r = nullptr;
  if (redisGetReply(ctx_, &r) != REDIS_OK) return nullptr;
  return ReplyPtr(static_cast<redisReply*>(r));
}

void Conn::send_raw(std::string_view bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(ctx_->fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

std::string Conn::recv_raw(size_t want, int timeout_ms) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (out.size() < want) {
    char buf[65536];
    ssize_t n = recv_before(deadline, buf, std::min(sizeof(buf), want - out.size()));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string encode_command(const std::vector<std::string>& args) {
  std::string out;
  out.append("*").append(std::to_string(args.size())).append("\r\n");
  for (const auto& a : args)
    out.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
  return out;
}

namespace {
// Length of the first complete RESP reply in buf, or 0 if incomplete.
size_t complete_reply(std::string_view buf, size_t pos = 0) {
  size_t nl = buf.find("\r\n", pos);
  if (nl == std::string_view::npos) return 0;
  char type = buf[pos];
  std::string_view rest = buf.substr(pos + 1, nl - pos - 1);
  size_t end = nl + 2;
  long long n = (type == '+' || type == '-' || type == ':' || type == ',' || type == '#' ||
                 type == '_' || type == '(')
                    ? 0
                    : std::atoll(std::string(rest).c_str());
  switch (type) {
    case '$':
    case '=':
    case '!':
      if (n < 0) return end - pos;
      if (buf.size() < end + static_cast<size_t>(n) + 2) return 0;
      return end + static_cast<size_t>(n) + 2 - pos;
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (n < 0) return end - pos;
      long long items = (type == '%' || type == '|') ? n * 2 : n;
      size_t p = end;
      for (long long i = 0; i < items; i++) {
        size_t len = complete_reply(buf, p);
        if (len == 0) return 0;
        p += len;
      }
      if (type == '|') {  // an attribute precedes the real reply
        size_t len = complete_reply(buf, p);
        if (len == 0) return 0;
        p += len;
      }
      return p - pos;
    }
    default:
      return end - pos;
  }
}
}  // namespace

std::string Conn::raw_cmd(const std::vector<std::string>& args, int timeout_ms) {
  send_raw(encode_command(args));
  std::string buf;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (buf.empty() || complete_reply(buf) == 0) {
    char tmp[65536];
    ssize_t n = recv_before(deadline, tmp, sizeof(tmp));
    if (n <= 0) break;
    buf.append(tmp, static_cast<size_t>(n));
  }
  return buf;
}

ssize_t Conn::recv_before(std::chrono::steady_clock::time_point deadline, char* buf, size_t cap) {
  int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  deadline - std::chrono::steady_clock::now())
                                  .count());
  pollfd p{ctx_->fd, POLLIN, 0};
  if (left <= 0 || poll(&p, 1, left) <= 0) {
    errno = ETIMEDOUT;
    return -1;
  }
  return ::recv(ctx_->fd, buf, cap, 0);
}

bool Conn::wait_closed(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    char buf[4096];
    ssize_t n = recv_before(deadline, buf, sizeof(buf));
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
}

std::string str(const ReplyPtr& r) {
  if (!r) return "<no reply>";
  switch (r->type) {
    case REDIS_REPLY_NIL:
      return "<nil>";
    case REDIS_REPLY_INTEGER:
      return std::to_string(r->integer);
    default:
      return r->str ? std::string(r->str, r->len) : "";
  }
}

long long integer(const ReplyPtr& r) {
  EXPECT_TRUE(r && r->type == REDIS_REPLY_INTEGER) << "not an integer reply: " << str(r);
  return r && r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
}

bool is_error(const ReplyPtr& r, std::string_view prefix) {
  if (!r || r->type != REDIS_REPLY_ERROR) return false;
  return std::string_view(r->str, r->len).substr(0, prefix.size()) == prefix;
}

std::string info_field(Conn& c, const std::string& section, const std::string& key) {
  std::string text = "\r\n" + str(c.cmd({"INFO", section}));
  size_t pos = text.find("\r\n" + key + ":");
  if (pos == std::string::npos) return "";
  pos += key.size() + 3;
  return text.substr(pos, text.find("\r\n", pos) - pos);
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

bool wait_blocked_clients(Conn& c, int n, std::chrono::milliseconds timeout) {
  const std::string want = std::to_string(n);
  return eventually([&] { return info_field(c, "clients", "blocked_clients") == want; }, timeout);
}

bool allocator_reports_memory(Conn& c) {
  const std::string used = info_field(c, "memory", "used_memory");
  return !used.empty() && used != "0";
}

long long process_cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may contain spaces) start after the last ')';
  // utime and stime are fields 14 and 15, i.e. the 12th and 13th after it.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; i++) {
    if (i == 14) utime = std::stoll(f);
    if (i == 15) stime = std::stoll(f);
  }
  return utime + stime;
}

namespace {

// Why the io_uring mode cannot run here ("" when it can): the kernel may refuse io_uring
// (seccomp profiles, kernel.io_uring_disabled) or be too old. The server would then fall
// back to epoll, and the "io_uring" runs would only repeat the epoll ones.
std::string uring_refusal() {
#if defined(RKV_SERVER_HAS_URING) && defined(__linux__)
  io_uring_params p{};
  long fd = syscall(__NR_io_uring_setup, 4, &p);
  if (fd < 0) return std::string("the kernel refuses io_uring_setup: ") + std::strerror(errno);
  close(static_cast<int>(fd));
  utsname un{};
  int major = 0;
  // Multishot recv (the server's receive path) needs Linux 6.0.
  if (uname(&un) != 0 || std::sscanf(un.release, "%d", &major) != 1 || major < 6)
    return std::string("kernel ") + un.release + " is older than 6.0 (multishot recv)";
  return "";
#else
  return "the server was built without liburing";
#endif
}

}  // namespace

const std::vector<IoMode>& io_modes() {
  static const std::vector<IoMode> modes = [] {
    return std::vector<IoMode>{
        {"epoll", {"--io-backend", "epoll"}, "epoll", ""},
        {"poll", {"--io-backend", "poll"}, "poll", ""},
        // Threaded I/O with every read and write on the helpers, even for one client.
        {"epoll_iothreads4",
         {"--io-backend", "epoll", "--io-threads", "4", "--io-threads-do-reads", "yes",
          "--io-threads-min-pending", "1"},
         "epoll",
         ""},
        {"io_uring", {"--io-backend", "io_uring"}, "io_uring", uring_refusal()},
    };
  }();
  return modes;
}

std::string io_mode_name(const ::testing::TestParamInfo<IoMode>& info) {
  return info.param.name;
}

void ServerTest::SetUp() {
  if (!GetParam().skip_reason.empty()) GTEST_SKIP() << GetParam().skip_reason;
  std::vector<std::string> args = GetParam().args;
  auto extra = server_args();
  args.insert(args.end(), extra.begin(), extra.end());
  server_ = std::make_unique<ServerProcess>(args);
  conn_ = std::make_unique<Conn>(server_->port());
}

void ServerTest::TearDown() {
  conn_.reset();
  if (server_) {
    bool was_alive = server_->alive();
    EXPECT_TRUE(was_alive) << "server died during the test; log:\n" << server_->log();
    if (was_alive) {
      // A clean SIGTERM shutdown exits 0; sanitizer reports (leaks included) do not.
      int status = server_->stop();
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << "server did not exit cleanly (status " << status << "); log:\n"
          << server_->log();
    }
    server_.reset();
  }
}

std::string find_tool(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string full = dir + "/" + name;
    if (access(full.c_str(), X_OK) == 0) return full;
  }
  return "";
}

}  // namespace rkv::test
