// The io_uring backend (--io-backend io_uring) on its own: the cases that stress what is
// specific to completions (batched pipelines, big values through the send queue and the
// provided-buffer ring, connections closed with operations in flight), and the fallback
// to epoll when the kernel refuses io_uring.
#include <cstdlib>
#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

class UringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--io-backend", "io_uring"});
    conn_ = std::make_unique<Conn>(server_->port());
    // A kernel without io_uring (or a seccomp profile refusing it) makes the server fall
    // back to epoll: nothing of io_uring to test then.
    if (info_field(*conn_, "io", "io_backend") != "io_uring")
      GTEST_SKIP() << "io_uring unavailable on this machine; server log:\n" << server_->log();
  }
  Conn& conn() { return *conn_; }
  int port() const { return server_->port(); }

 private:
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Conn> conn_;
};

TEST_F(UringTest, PingSetGet) {
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "v");
  EXPECT_EQ(str(conn().cmd({"GET", "missing"})), "<nil>");
  // Reads and writes are completions, and the kernel is entered once per iteration.
  EXPECT_NE(info_field(conn(), "io", "io_submit_calls"), "0");
}

TEST_F(UringTest, PipelineOfTenThousand) {
  constexpr int kN = 10000;
  for (int i = 0; i < kN; i++)
    conn().append({"SET", "key:" + std::to_string(i), std::to_string(i)});
  for (int i = 0; i < kN; i++) ASSERT_EQ(str(conn().read_reply()), "OK") << i;
  for (int i = 0; i < kN; i++) conn().append({"GET", "key:" + std::to_string(i)});
  for (int i = 0; i < kN; i++) ASSERT_EQ(str(conn().read_reply()), std::to_string(i)) << i;
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), kN);
}

TEST_F(UringTest, TenMegabyteValue) {
  std::string value(10 * 1024 * 1024, 'a');
  for (size_t i = 0; i < value.size(); i += 4096) value[i] = static_cast<char>('a' + i % 26);
  EXPECT_EQ(str(conn().cmd({"SET", "big", value})), "OK");
  EXPECT_EQ(integer(conn().cmd({"STRLEN", "big"})), static_cast<long long>(value.size()));
  auto r = conn().cmd({"GET", "big"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  EXPECT_TRUE(std::string(r->str, r->len) == value);
}

// A reply far bigger than the send queue limit goes out in pieces (EAGAIN, on_writable).
TEST_F(UringTest, HundredMegabyteGet) {
  const std::string value(100 * 1000 * 1000, 'z');
  EXPECT_EQ(str(conn().cmd({"SET", "huge", value})), "OK");
  auto r = conn().cmd({"GET", "huge"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  EXPECT_EQ(r->len, value.size());
  EXPECT_TRUE(std::string_view(r->str, r->len) == value);
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
}

TEST_F(UringTest, ClientKill) {
  Conn other(port());
  long long other_id = integer(other.cmd({"CLIENT", "ID"}));
  EXPECT_EQ(integer(conn().cmd({"CLIENT", "KILL", "ID", std::to_string(other_id)})), 1);
  EXPECT_TRUE(other.wait_closed());
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
}

// The error reply is queued, then the client is freed at once: the reply must still be
// delivered before the socket closes.
TEST_F(UringTest, ProtocolErrorClosesAfterReply) {
  Conn bad(port());
  bad.send_raw("*1\r\n$foo\r\n");
  const std::string err = "-ERR Protocol error: invalid bulk length\r\n";
  EXPECT_EQ(bad.recv_raw(err.size()), err);
  EXPECT_TRUE(bad.wait_closed());
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
}

// Connections that vanish with a receive in flight and a reply queued: their late
// completions must be ignored (and their buffers recycled) without harm.
TEST_F(UringTest, AbruptDisconnectsLeaveServerHealthy) {
  const std::string value(256 * 1024, 'q');
  EXPECT_EQ(str(conn().cmd({"SET", "v", value})), "OK");
  for (int round = 0; round < 20; round++) {
    std::vector<std::unique_ptr<Conn>> conns;
    for (int i = 0; i < 10; i++) {
      conns.push_back(std::make_unique<Conn>(port()));
      conns.back()->send_raw(encode_command({"GET", "v"}) + encode_command({"GET", "v"}) +
                             "*2\r\n$3\r\nGET\r\n");
    }
  }  // closed without reading the replies
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
  auto r = conn().cmd({"GET", "v"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->len, value.size());
}

// Sets an environment variable for the servers started in one scope (children inherit it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

TEST(UringFallbackTest, RefusedUringFallsBackToEpollWithOneLine) {
  ScopedEnv env("RKV_FAKE_URING_FAILURE", "1");
  ServerProcess server({"--io-backend", "io_uring"});
  Conn c(server.port());
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
  EXPECT_EQ(info_field(c, "io", "io_backend"), "epoll");
  const std::string log = server.log();
  const std::string line = "io-backend io_uring unavailable";
  size_t pos = log.find(line);
  ASSERT_NE(pos, std::string::npos) << log;
  EXPECT_NE(log.find("falling back to epoll", pos), std::string::npos) << log;
  EXPECT_EQ(log.find(line, pos + 1), std::string::npos) << "logged more than once:\n" << log;
}

}  // namespace
}  // namespace rkv::test
