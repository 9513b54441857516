// Start-up and shutdown: config files, command-line overrides, config errors, unix
// sockets, several bind addresses, signals. Each test starts its own server once (the IO
// mode does not matter here).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

// A file in /tmp removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char tmpl[] = "/tmp/rkv-conf-XXXXXX";
    int fd = mkstemp(tmpl);
    path_ = tmpl;
    if (fd >= 0) {
      EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
      close(fd);
    }
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ExitResult {
  int status = -1;  // as from waitpid; -1 if it had to be killed
  std::string output;
};

// Runs the server binary with exactly `args` and waits (bounded) for it to exit on its own,
// for start-ups that must fail.
ExitResult run_server_expecting_exit(const std::vector<std::string>& args) {
  char tmpl[] = "/tmp/rkv-out-XXXXXX";
  int out = mkstemp(tmpl);
  ExitResult res;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out, 1);
    dup2(out, 2);
    std::vector<std::string> full = {RKV_SERVER_BINARY};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out);
  for (int i = 0; i < 1000; i++) {
    if (waitpid(pid, &res.status, WNOHANG) == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (i == 999) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      res.status = -1;
    }
  }
  std::ifstream in(tmpl);
  std::stringstream ss;
  ss << in.rdbuf();
  res.output = ss.str();
  unlink(tmpl);
  return res;
}

std::string config_get(Conn& c, const std::string& name) {
  auto r = c.cmd({"CONFIG", "GET", name});
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return "<bad reply: " + str(r) + ">";
  return std::string(r->element[1]->str, r->element[1]->len);
}

bool exited_with(int status, int code) {
  return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

TEST(StartupTest, ConfigFileIsHonoured) {
  TempFile conf(
      "# reactorkv test configuration\n"
      "   # an indented comment\n"
      "\n"
      "port 1\n"  // replaced by the harness's --port on the command line
      "maxclients 77\n"
      "  databases 4  \n"
      "requirepass \"pass word\"\n"
      "proto-max-bulk-len 2mb\n"
      "save \"\"\n"
      "notify-keyspace-events 'Ex'\n"
      "hash-max-ziplist-entries 99\n");  // old alias
  SpawnOptions opts;
  opts.config_file = conf.path();
  ServerProcess server({}, opts);
  ASSERT_TRUE(server.alive()) << server.log();
  Conn c(server.port());
  EXPECT_EQ(str(c.cmd({"PING"})), "NOAUTH Authentication required.");
  EXPECT_EQ(str(c.cmd({"AUTH", "pass word"})), "OK");
  EXPECT_EQ(config_get(c, "maxclients"), "77");
  EXPECT_EQ(config_get(c, "databases"), "4");
  EXPECT_EQ(config_get(c, "proto-max-bulk-len"), "2097152");
  EXPECT_EQ(config_get(c, "save"), "");
  EXPECT_EQ(config_get(c, "notify-keyspace-events"), "xE");
  EXPECT_EQ(config_get(c, "hash-max-listpack-entries"), "99");
  EXPECT_EQ(config_get(c, "port"), std::to_string(server.port()));
  EXPECT_EQ(str(c.cmd({"SELECT", "4"})), "ERR DB index is out of range");
}

// The configuration file we ship loads as it is and gives the defaults it documents.
TEST(StartupTest, ShippedConfigFileLoads) {
  SpawnOptions opts;
  opts.config_file = RKV_SOURCE_DIR "/conf/reactorkv.conf";
  ServerProcess server({}, opts);
  ASSERT_TRUE(server.alive()) << server.log();
  Conn c(server.port());
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
  EXPECT_EQ(config_get(c, "io-threads"), "1");
  EXPECT_EQ(config_get(c, "io-batch-wait-us"), "-1");
  EXPECT_EQ(config_get(c, "io-batch-min-cpu"), "60");
  EXPECT_EQ(config_get(c, "busy-poll-us"), "20");
}

TEST(StartupTest, CommandLineOverridesTheFile) {
  TempFile conf("maxclients 77\ntimeout 5\nrequirepass secret\n");
  SpawnOptions opts;
  opts.config_file = conf.path();
  // Options after the file win, including ones whose value needs quoting.
  ServerProcess server({"--maxclients", "88", "--requirepass", "", "--save", "900 1 300 10"}, opts);
  ASSERT_TRUE(server.alive()) << server.log();
  Conn c(server.port());
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");  // requirepass cleared by the command line
  EXPECT_EQ(config_get(c, "maxclients"), "88");
  EXPECT_EQ(config_get(c, "timeout"), "5");  // from the file, not overridden
  EXPECT_EQ(config_get(c, "save"), "900 1 300 10");
}

TEST(StartupTest, BadConfigFileLinesAreFatal) {
  struct Case {
    std::string content;
    int line;
    std::string text, reason;
  };
  const std::vector<Case> cases = {
      {"# ok\nport 7000\nnotadirective foo\n", 3, "notadirective foo",
       "Bad directive or wrong number of arguments"},
      {"maxclients abc\n", 1, "maxclients abc", "argument couldn't be parsed into an integer"},
      {"\n\nappendonly maybe\n", 3, "appendonly maybe", "argument must be 'yes' or 'no'"},
      {"requirepass \"unbalanced\n", 1, "requirepass \"unbalanced",
       "Unbalanced quotes in configuration line"},
      {"maxclients 0\n", 1, "maxclients 0", "argument must be between 1 and 4294967295 inclusive"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.content);
    TempFile conf(tc.content);
    ExitResult r = run_server_expecting_exit({conf.path(), "--port", std::to_string(free_port())});
    EXPECT_TRUE(exited_with(r.status, 1)) << "status " << r.status << "\n" << r.output;
    EXPECT_NE(r.output.find("*** FATAL CONFIG FILE ERROR"), std::string::npos) << r.output;
    EXPECT_NE(
        r.output.find("Reading the configuration file " + conf.path() + ", at line " +
                      std::to_string(tc.line) + "\n>>> '" + tc.text + "'\n" + tc.reason + "\n"),
        std::string::npos)
        << r.output;
  }
}

TEST(StartupTest, BadCommandLineOptionIsFatal) {
  ExitResult r =
      run_server_expecting_exit({"--port", std::to_string(free_port()), "--maxclients", "abc"});
  EXPECT_TRUE(exited_with(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("'maxclients \"abc\"'\nargument couldn't be parsed into an integer\n"),
            std::string::npos)
      << r.output;
  ExitResult missing = run_server_expecting_exit({"/nonexistent/rkv.conf"});
  EXPECT_TRUE(exited_with(missing.status, 1)) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/rkv.conf"), std::string::npos) << missing.output;
}

TEST(StartupTest, UnixSocketWithPermissions) {
  char dir_tmpl[] = "/tmp/rkv-sock-XXXXXX";
  ASSERT_NE(mkdtemp(dir_tmpl), nullptr);
  std::string path = std::string(dir_tmpl) + "/rkv.sock";
  {
    ServerProcess server({"--unixsocket", path, "--unixsocketperm", "640"});
    ASSERT_TRUE(server.alive()) << server.log();
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    redisContext* uc = redisConnectUnix(path.c_str());
    ASSERT_TRUE(uc && !uc->err) << (uc ? uc->errstr : "alloc");
    auto* r = static_cast<redisReply*>(redisCommand(uc, "SET %s %s", "via", "unix"));
    ASSERT_TRUE(r);
    EXPECT_EQ(std::string(r->str, r->len), "OK");
    freeReplyObject(r);
    redisFree(uc);
    Conn tcp(server.port());  // TCP still served next to the unix socket
    EXPECT_EQ(str(tcp.cmd({"GET", "via"})), "unix");
    EXPECT_EQ(config_get(tcp, "unixsocketperm"), "640");
    EXPECT_TRUE(exited_with(server.stop(), 0));
  }
  // Like Redis, the socket file is removed at shutdown.
  EXPECT_NE(access(path.c_str(), F_OK), 0) << "socket file left behind";
  unlink(path.c_str());
  rmdir(dir_tmpl);
}

bool ipv6_loopback_available() {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_addr = in6addr_loopback;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
  close(fd);
  return ok;
}

std::string ping_at(const char* host, int port) {
  timeval tv{5, 0};
  redisContext* c = redisConnectWithTimeout(host, port, tv);
  if (!c || c->err) {
    std::string e = c ? c->errstr : "alloc";
    if (c) redisFree(c);
    return "connect failed: " + e;
  }
  auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
  std::string out = r && r->str ? std::string(r->str, r->len) : "<no reply>";
  if (r) freeReplyObject(r);
  redisFree(c);
  return out;
}

TEST(StartupTest, BindsTwoAddresses) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback (::1) on this machine";
  ServerProcess server({"--bind", "127.0.0.1", "::1"});
  ASSERT_TRUE(server.alive()) << server.log();
  EXPECT_EQ(ping_at("127.0.0.1", server.port()), "PONG");
  EXPECT_EQ(ping_at("::1", server.port()), "PONG");
  Conn c(server.port());
  EXPECT_EQ(config_get(c, "bind"), "127.0.0.1 ::1");
}

TEST(StartupTest, OptionalBindAddressMayBeMissing) {
  // '-' marks an address that may not exist; 192.0.2.1 (TEST-NET-1) is never local.
  ServerProcess server({"--bind", "127.0.0.1", "-192.0.2.1"});
  ASSERT_TRUE(server.alive()) << server.log();
  EXPECT_EQ(ping_at("127.0.0.1", server.port()), "PONG");
  // Without the '-', the same address is fatal.
  ExitResult r = run_server_expecting_exit(
      {"--port", std::to_string(free_port()), "--bind", "127.0.0.1", "192.0.2.1"});
  EXPECT_TRUE(exited_with(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("192.0.2.1"), std::string::npos) << r.output;
}

void expect_clean_exit_on(int sig, const char* name) {
  ServerProcess server;
  ASSERT_TRUE(server.alive()) << server.log();
  Conn c(server.port());  // a connected client must not hold the shutdown back
  EXPECT_EQ(str(c.cmd({"SET", "k", "v"})), "OK");
  ASSERT_EQ(kill(server.pid(), sig), 0);
  int status = server.wait_exit(10000);
  EXPECT_TRUE(exited_with(status, 0)) << "status " << status << "\n" << server.log();
  std::string log = server.log();
  EXPECT_NE(log.find(std::string("Received ") + name + " scheduling shutdown..."),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("ready to exit, bye bye...\n"), std::string::npos) << log;
}

TEST(StartupTest, SigtermExitsCleanly) {
  expect_clean_exit_on(SIGTERM, "SIGTERM");
}

TEST(StartupTest, SigintExitsCleanly) {
  expect_clean_exit_on(SIGINT, "SIGINT");
}

TEST(StartupTest, SigpipeIsIgnored) {
  ServerProcess server;
  ASSERT_TRUE(server.alive()) << server.log();
  // The disposition itself: SigIgn in /proc has bit SIGPIPE-1 set.
  std::ifstream st("/proc/" + std::to_string(server.pid()) + "/status");
  for (std::string line; std::getline(st, line);) {
    if (line.rfind("SigIgn:", 0) == 0) {
      unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
      EXPECT_TRUE(mask & (1ull << (SIGPIPE - 1))) << line;
    }
  }
  Conn c(server.port());
  EXPECT_EQ(str(c.cmd({"SET", "big", std::string(32 * 1024 * 1024, 'b')})), "OK");
  // Clients that ask for a big reply and vanish (RST) while it is being written.
  for (int i = 0; i < 5; i++) {
    Conn gone(server.port());
    gone.send_raw(encode_command({"GET", "big"}) + encode_command({"GET", "big"}));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    linger lg{1, 0};  // close with RST: the server's next write fails with EPIPE/ECONNRESET
    setsockopt(gone.ctx()->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(server.alive()) << server.log();
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
  EXPECT_EQ(str(c.cmd({"STRLEN", "big"})), "33554432");
}

}  // namespace
}  // namespace rkv::test
