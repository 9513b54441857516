// Threaded I/O (io-threads, io-threads-do-reads): the helpers do the socket calls, the
// main thread still runs every command in order. The generic suites also run in the
// epoll_iothreads4 mode; these tests look at what only threaded I/O does.
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

long long info_num(Conn& c, const std::string& section, const std::string& key) {
  std::string v = info_field(c, section, key);
  EXPECT_FALSE(v.empty()) << "missing INFO " << section << " field " << key;
  return v.empty() ? -1 : std::stoll(v);
}

class IoThreadsTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> args(std::vector<std::string> extra) const {
    std::vector<std::string> a = {"--io-backend", GetParam()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

// Many clients pipelining at once: every reply comes back in order and every increment
// lands once, while the reads and writes really ran on the helpers.
TEST_P(IoThreadsTest, ManyPipelinedClientsKeepOrder) {
  ServerProcess server(
      args({"--io-threads", "4", "--io-threads-do-reads", "yes", "--io-threads-min-pending", "1"}));
  constexpr int kClients = 24, kDepth = 300;
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < kClients; i++) conns.push_back(std::make_unique<Conn>(server.port()));
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < kClients; i++) {
      for (int j = 0; j < kDepth; j++) {
        conns[i]->append({"INCR", "own:" + std::to_string(i)});
        conns[i]->append({"INCR", "shared"});
      }
    }
    for (int i = 0; i < kClients; i++) {
      for (int j = 0; j < kDepth; j++) {
        ASSERT_EQ(integer(conns[i]->read_reply()), round * kDepth + j + 1) << "client " << i;
        ASSERT_GT(integer(conns[i]->read_reply()), 0);
      }
    }
  }
  Conn c(server.port());
  EXPECT_EQ(str(c.cmd({"GET", "shared"})), std::to_string(2 * kClients * kDepth));
  EXPECT_EQ(info_num(c, "io", "io_threads"), 4);
  EXPECT_GT(info_num(c, "stats", "io_threaded_reads_processed"), 0);
  EXPECT_GT(info_num(c, "stats", "io_threaded_writes_processed"), 0);
  EXPECT_GT(info_num(c, "io", "io_threads_batches"), 0);
  // INFO itself was read by a helper (min-pending 1), so the threads were active.
  EXPECT_EQ(info_num(c, "server", "io_threads_active"), 1);
}

// Large values move through the helpers in pieces; nothing is lost or reordered.
TEST_P(IoThreadsTest, LargeValuesRoundTrip) {
  ServerProcess server(
      args({"--io-threads", "3", "--io-threads-do-reads", "yes", "--io-threads-min-pending", "1"}));
  Conn c(server.port());
  std::string big(8 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(str(c.cmd({"SET", "big", big})), "OK");
  EXPECT_EQ(str(c.cmd({"GET", "big"})), big);
  EXPECT_EQ(integer(c.cmd({"STRLEN", "big"})), static_cast<long long>(big.size()));
}

// Below the pending-client threshold (Redis's 2 per thread) the main thread does the I/O
// itself and the helpers stay asleep.
TEST_P(IoThreadsTest, HelpersStayOffAtLowLoad) {
  ServerProcess server(args({"--io-threads", "4", "--io-threads-do-reads", "yes"}));
  Conn c(server.port());
  for (int i = 0; i < 300; i++) ASSERT_EQ(str(c.cmd({"PING"})), "PONG");
  EXPECT_EQ(info_num(c, "stats", "io_threaded_reads_processed"), 0);
  EXPECT_EQ(info_num(c, "stats", "io_threaded_writes_processed"), 0);
  EXPECT_EQ(info_num(c, "server", "io_threads_active"), 0);
  EXPECT_EQ(info_num(c, "io", "io_threads_wakeups"), 0);
}

// io-threads-do-reads no (Redis's default): only the writes are handed out.
TEST_P(IoThreadsTest, WritesOnlyWithoutThreadedReads) {
  ServerProcess server(args({"--io-threads", "2", "--io-threads-min-pending", "1"}));
  Conn c(server.port());
  for (int i = 0; i < 100; i++) ASSERT_EQ(str(c.cmd({"SET", "k", std::to_string(i)})), "OK");
  EXPECT_EQ(str(c.cmd({"GET", "k"})), "99");
  EXPECT_EQ(info_num(c, "stats", "io_threaded_reads_processed"), 0);
  EXPECT_GT(info_num(c, "stats", "io_threaded_writes_processed"), 100);
}

// Helpers sleep when there is nothing to do: an idle server stays under 1% CPU.
TEST_P(IoThreadsTest, IdleServerUsesNoCpu) {
  ServerProcess server(
      args({"--io-threads", "4", "--io-threads-do-reads", "yes", "--io-threads-min-pending", "1"}));
  {
    Conn c(server.port());
    for (int i = 0; i < 2000; i++) c.append({"SET", "k" + std::to_string(i), "v"});
    for (int i = 0; i < 2000; i++) ASSERT_EQ(str(c.read_reply()), "OK");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  long long before = process_cpu_ticks(server.pid());
  ASSERT_GE(before, 0);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  long long used = process_cpu_ticks(server.pid()) - before;
  // 3 s is 300 ticks at the usual 100 Hz: 1% is 3 ticks.
  EXPECT_LE(used, 3) << "ticks used while idle";
}

// A client killed or disconnecting while its read is handed out leaves no trace.
TEST_P(IoThreadsTest, DisconnectsDuringThreadedReads) {
  ServerProcess server(
      args({"--io-threads", "4", "--io-threads-do-reads", "yes", "--io-threads-min-pending", "1"}));
  for (int round = 0; round < 20; round++) {
    std::vector<std::unique_ptr<Conn>> conns;
    for (int i = 0; i < 10; i++) {
      conns.push_back(std::make_unique<Conn>(server.port()));
      conns.back()->send_raw("SET a b\r\nGET a\r\n");
    }
    conns.clear();  // closed without reading the replies
  }
  Conn c(server.port());
  // The server learns of each close on the read after the commands: wait for them all.
  // (Until then the commands of other connections may not have run yet: nothing orders
  // them before this connection's.)
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (info_num(c, "clients", "connected_clients") > 1 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(info_num(c, "clients", "connected_clients"), 1);
  EXPECT_EQ(str(c.cmd({"GET", "a"})), "b");
}

INSTANTIATE_TEST_SUITE_P(Backends, IoThreadsTest, ::testing::Values("epoll", "poll"),
                         [](const auto& p) { return p.param; });

// io_uring has no per-client system calls to hand out: io-threads is ignored there, with
// a log line, and the server runs as without it.
TEST(IoThreadsConfigTest, IgnoredWithIoUring) {
  ServerProcess server({"--io-backend", "io_uring", "--io-threads", "4"});
  Conn c(server.port());
  if (info_field(c, "io", "io_backend") != "io_uring")
    GTEST_SKIP() << "io_uring unavailable on this machine";
  EXPECT_EQ(info_num(c, "io", "io_threads"), 1);
  EXPECT_NE(server.log().find("io-threads 4 ignored"), std::string::npos) << server.log();
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
}

// The mode comes from the config file (or the command line) and cannot change at runtime,
// as in Redis.
TEST(IoThreadsConfigTest, ModeFromConfigFileAndImmutable) {
  char path[] = "/tmp/rkv-iothreads-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "io-backend poll\nio-threads 3\nio-threads-do-reads yes\n";
  SpawnOptions opts;
  opts.config_file = path;
  ServerProcess server({}, opts);
  std::remove(path);
  Conn c(server.port());
  EXPECT_EQ(info_field(c, "io", "io_backend"), "poll");
  EXPECT_EQ(info_num(c, "io", "io_threads"), 3);
  EXPECT_NE(server.log().find("Threaded I/O: 3 threads (main + 2 helpers), reads on"),
            std::string::npos)
      << server.log();
  EXPECT_EQ(str(c.cmd({"CONFIG", "SET", "io-threads", "2"})),
            "ERR CONFIG SET failed (possibly related to argument 'io-threads') - can't set "
            "immutable config");
  auto r = c.cmd({"CONFIG", "GET", "io-threads*"});
  ASSERT_TRUE(r && r->type == REDIS_REPLY_ARRAY);
  EXPECT_EQ(r->elements, 6u);  // io-threads, io-threads-do-reads, io-threads-min-pending
}

}  // namespace
}  // namespace rkv::test
