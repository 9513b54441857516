// Integration-test harness: starts the real reactorkv-server binary on a free port and
// talks to it with hiredis.
//
// Every suite derived from ServerTest runs once per IO mode (see kIoModes); each test gets
// a fresh server process, so tests cannot leak state into each other.
#pragma once

#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace rkv::test {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// A port nobody listens on right now (bind to port 0 and release it).
int free_port();

// How to start a server beyond its arguments (start-up and limits tests).
struct SpawnOptions {
  std::string config_file;  // passed as the first argument, before the harness's flags
  // RLIMIT_NOFILE set in the child before exec; 0 keeps the inherited value.
  unsigned long nofile_soft = 0;
  unsigned long nofile_hard = 0;
};

class ServerProcess {
 public:
  // Starts the server with `--port <free> --bind 127.0.0.1` plus extra args, and waits
  // until it answers PING (or fails the test).
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  ServerProcess(std::vector<std::string> extra_args, const SpawnOptions& options);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool alive();
  // Sends SIGTERM and waits; returns the exit status (as from waitpid) or -1.
  int stop();
  // Waits for the process to exit by itself (after a signal sent by the test); returns the
  // status as from waitpid, or -1 if it is still running after timeout_ms.
  int wait_exit(int timeout_ms = 10000);
  std::string log() const;
  const std::string& log_path() const { return log_path_; }

 private:
  int port_ = 0;
  pid_t pid_ = -1;
  std::string log_path_;
};

// One hiredis connection (RESP2 unless HELLO 3 is sent).
class Conn {
 public:
  explicit Conn(int port, double timeout_s = 30);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  redisContext* ctx() { return ctx_; }
  // Sends one command and reads its reply (nullptr on connection error).
  ReplyPtr cmd(const std::vector<std::string>& args);
  ReplyPtr cmd(std::initializer_list<std::string_view> args);
  // Pipelining: append, then read replies in order (read_reply sends what is appended).
  void append(const std::vector<std::string>& args);
  // Sends what append() buffered without waiting for a reply (a client that blocks).
  void flush();
  // append + flush: sends one command and leaves its reply unread.
  void send(const std::vector<std::string>& args);
  ReplyPtr read_reply();
  // Raw bytes on the socket, bypassing hiredis (protocol tests).
  void send_raw(std::string_view bytes);
  // Reads raw bytes until `want` bytes arrived or the peer closed / timeout_ms passed.
  std::string recv_raw(size_t want, int timeout_ms = 2000);
  // Sends a command as RESP and returns the raw bytes of one whole reply (any RESP2/RESP3
  // type). Debian 12's hiredis (0.14) predates RESP3, so RESP3 tests compare bytes.
  std::string raw_cmd(const std::vector<std::string>& args, int timeout_ms = 5000);
  // Waits until the socket is readable or the deadline passes, then reads once.
  // Returns what recv() returned, or -1 on timeout.
  ssize_t recv_before(std::chrono::steady_clock::time_point deadline, char* buf, size_t cap);
  // True if the server closed the connection (read returns 0) within timeout_ms.
  bool wait_closed(int timeout_ms = 2000);

 private:
  redisContext* ctx_ = nullptr;
};

// One "key:value" field of an INFO section ("" when absent).
std::string info_field(Conn& c, const std::string& section, const std::string& key);
// Polls cond until it holds; false when timeout passes first.
bool eventually(const std::function<bool()>& cond,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));
// Polls c's INFO until blocked_clients is n; false when timeout passes first.
bool wait_blocked_clients(Conn& c, int n,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));
// Whether the server's allocator reports memory figures: sanitizer builds replace malloc,
// and then used_memory (and everything computed from it) reads 0.
bool allocator_reports_memory(Conn& c);

// CPU time (user + system, in clock ticks) the process has used so far, from /proc.
long long process_cpu_ticks(pid_t pid);

// RESP encoding of a command ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n").
std::string encode_command(const std::vector<std::string>& args);

// Reply helpers that make assertions readable.
std::string str(const ReplyPtr& r);  // status/string/error/verbatim text; "<nil>" for nil
long long integer(const ReplyPtr& r);
bool is_error(const ReplyPtr& r, std::string_view prefix = "");

// The IO modes every ServerTest suite runs under: server arguments per mode. A mode the
// machine cannot run (io_uring refused by the kernel) is still listed, and its tests are
// skipped with skip_reason, so the gap shows in every test report.
struct IoMode {
  std::string name;
  std::vector<std::string> args;
  std::string backend;  // what INFO io_backend reports in this mode
  std::string skip_reason;
};
const std::vector<IoMode>& io_modes();
inline void PrintTo(const IoMode& m, std::ostream* os) {
  *os << m.name;
}

// Base fixture: a fresh server per test in the mode given by the test parameter.
class ServerTest : public ::testing::TestWithParam<IoMode> {
 protected:
  // Extra server arguments for a suite (override to add config).
  virtual std::vector<std::string> server_args() const { return {}; }
  void SetUp() override;
  void TearDown() override;
  ServerProcess& server() { return *server_; }
  Conn& conn() { return *conn_; }
  int port() const { return server_->port(); }

 private:
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Conn> conn_;
};

std::string io_mode_name(const ::testing::TestParamInfo<IoMode>& info);

// Instantiates a ServerTest-derived suite once per IO mode.
#define RKV_INSTANTIATE_IO_MODES(Suite)                                                  \
  INSTANTIATE_TEST_SUITE_P(IoModes, Suite, ::testing::ValuesIn(::rkv::test::io_modes()), \
                           ::rkv::test::io_mode_name)

// Path of a tool on PATH (e.g. redis-cli), or "" when it is not installed.
std::string find_tool(const std::string& name);

}  // namespace rkv::test
