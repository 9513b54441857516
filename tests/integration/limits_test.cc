// Server limits: maxclients, timeout, proto-max-bulk-len, client-query-buffer-limit,
// RLIMIT_NOFILE at start-up and 1,000 concurrent clients.
// Expected behaviour checked against redis-server 7.0 with the same settings.
#include <sys/resource.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

// Number of clients the server reports (CLIENT LIST lines).
int client_count(Conn& c) {
  std::string list = str(c.cmd({"CLIENT", "LIST"}));
  int n = 0;
  for (char ch : list) n += ch == '\n';
  return n;
}

// Waits until the server has dropped closed connections (frees are asynchronous).
void wait_client_count(Conn& c, int want) {
  for (int i = 0; i < 200 && client_count(c) != want; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(client_count(c), want);
}

class MaxClientsTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--maxclients", "3"}; }
};

TEST_P(MaxClientsTest, RejectsOverTheLimitAndKeepsServingOthers) {
  wait_client_count(conn(), 1);  // the harness's start-up probe may still be counted
  Conn a(port()), b(port());
  EXPECT_EQ(str(a.cmd({"PING"})), "PONG");
  EXPECT_EQ(str(b.cmd({"PING"})), "PONG");
  {
    Conn over(port());  // accepted by the kernel, then refused by the server
    std::string want = "-ERR max number of clients reached\r\n";
    EXPECT_EQ(over.recv_raw(want.size(), 3000), want);
    EXPECT_TRUE(over.wait_closed());
  }
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v"})), "OK");
  EXPECT_EQ(str(a.cmd({"GET", "k"})), "v");
  EXPECT_EQ(str(b.cmd({"PING"})), "PONG");
  // A slot freed by a leaving client can be taken again.
  EXPECT_EQ(str(b.cmd({"QUIT"})), "OK");
  EXPECT_TRUE(b.wait_closed());
  wait_client_count(conn(), 2);
  Conn again(port());
  EXPECT_EQ(str(again.cmd({"PING"})), "PONG");
}

RKV_INSTANTIATE_IO_MODES(MaxClientsTest);

class TimeoutTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--timeout", "1"}; }
};

TEST_P(TimeoutTest, IdleClientIsClosedActiveOneIsNot) {
  Conn idle(port()), active(port());
  EXPECT_EQ(str(idle.cmd({"PING"})), "PONG");
  // Active for 2.5 s: a request every 250 ms keeps the connection alive.
  for (int i = 0; i < 10; i++) {
    ASSERT_EQ(str(active.cmd({"PING"})), "PONG")
        << "active client closed after " << i * 250 << " ms";
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  // By now the idle one (silent for 2.5 s > timeout 1) has been closed.
  EXPECT_TRUE(idle.wait_closed(3000));
  EXPECT_EQ(str(active.cmd({"PING"})), "PONG");
}

RKV_INSTANTIATE_IO_MODES(TimeoutTest);

class ProtoMaxBulkLenTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--proto-max-bulk-len", "1mb"}; }
};

TEST_P(ProtoMaxBulkLenTest, BulkOverTheLimitIsAProtocolError) {
  auto r = conn().cmd({"CONFIG", "GET", "proto-max-bulk-len"});
  ASSERT_TRUE(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2);
  EXPECT_EQ(std::string(r->element[1]->str), "1048576");
  // Exactly at the limit is accepted.
  EXPECT_EQ(str(conn().cmd({"SET", "k", std::string(1024 * 1024, 'a')})), "OK");
  Conn c(port());
  // The length line alone is enough for the error: the body is never waited for.
  c.send_raw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2097152\r\n");
  std::string want = "-ERR Protocol error: invalid bulk length\r\n";
  EXPECT_EQ(c.recv_raw(want.size(), 3000), want);
  EXPECT_TRUE(c.wait_closed());
  Conn fresh(port());
  EXPECT_EQ(str(fresh.cmd({"GET", "k"})), std::string(1024 * 1024, 'a'));  // untouched
  EXPECT_EQ(str(fresh.cmd({"PING"})), "PONG");
}

RKV_INSTANTIATE_IO_MODES(ProtoMaxBulkLenTest);

class QueryBufferLimitTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--client-query-buffer-limit", "1mb"};
  }
  void expect_server_fine() {
    Conn fresh(port());
    EXPECT_EQ(str(fresh.cmd({"PING"})), "PONG");
    EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
  }
};

constexpr size_t kMB = 1024 * 1024;

TEST_P(QueryBufferLimitTest, HalfOfABigBulkBeyondTheLimitDisconnects) {
  Conn c(port());
  // 1.5 MB of a 2 MB bulk: Redis closes the client without a reply.
  c.send_raw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2097152\r\n" + std::string(kMB + kMB / 2, 'x'));
  EXPECT_EQ(c.recv_raw(1, 3000), "");
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "<nil>");
  expect_server_fine();
}

TEST_P(QueryBufferLimitTest, BulkHeaderAloneIsAccepted) {
  // Announcing a bulk bigger than the limit is fine until its bytes arrive.
  Conn c(port());
  c.send_raw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2097152\r\n");
  EXPECT_EQ(c.recv_raw(1, 300), "");
  EXPECT_FALSE(c.wait_closed(200));
  expect_server_fine();
}

TEST_P(QueryBufferLimitTest, OversizedInlineAndHeadersHitProtocolLimitsFirst) {
  // Unfinished non-bulk requests never reach 1 MB: the 64 KB protocol limits fire first.
  {
    Conn c(port());
    c.send_raw(std::string(2 * kMB, 'a'));
    std::string want = "-ERR Protocol error: too big inline request\r\n";
    EXPECT_EQ(c.recv_raw(want.size(), 3000), want);
    EXPECT_TRUE(c.wait_closed());
  }
  {
    Conn c(port());
    c.send_raw(std::string("*").append(2 * kMB, '1'));
    std::string want = "-ERR Protocol error: too big mbulk count string\r\n";
    EXPECT_EQ(c.recv_raw(want.size(), 3000), want);
    EXPECT_TRUE(c.wait_closed());
  }
  expect_server_fine();
}

TEST_P(QueryBufferLimitTest, PipelineLargerThanTheLimitIsServed) {
  // The limit is on unprocessed bytes, not on what a client sends in total.
  Conn c(port());
  const size_t n = 2 * kMB / 6;
  std::string req;
  for (size_t i = 0; i < n; i++) req += "PING\r\n";
  std::thread writer([&] { c.send_raw(req); });
  std::string got = c.recv_raw(n * 7, 30000);
  writer.join();
  EXPECT_EQ(got.size(), n * 7);
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
}

// Redis counts only bytes not yet parsed into arguments, so a legal command whose many
// small arguments add up to more than the limit is served (RequestParser::parsed_prefix).
TEST_P(QueryBufferLimitTest, CommandWithManySmallArgsOverTheLimitIsServed) {
  std::vector<std::string> del = {"DEL"};
  for (int i = 0; i < 100000; i++) del.push_back("key:" + std::to_string(i));  // ~1.4 MB
  Conn c(port());
  std::thread writer([&] { c.send_raw(encode_command(del)); });
  std::string got = c.recv_raw(4, 10000);
  writer.join();
  EXPECT_EQ(got, ":0\r\n");
}

RKV_INSTANTIATE_IO_MODES(QueryBufferLimitTest);

// Raises this process's soft RLIMIT_NOFILE to at least n; false if the hard limit is lower.
bool ensure_own_nofile(rlim_t n) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return false;
  if (rl.rlim_cur >= n) return true;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < n) return false;
  rl.rlim_cur = n;
  return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

class ManyClientsTest : public ::testing::TestWithParam<IoMode> {};

TEST_P(ManyClientsTest, ThousandConcurrentClients) {
  constexpr int kClients = 1000;
  if (!ensure_own_nofile(kClients + 100))
    GTEST_SKIP() << "the test process cannot open " << kClients << " sockets (RLIMIT_NOFILE)";
  // The server starts with a soft limit of 256 and must raise it to maxclients + 32.
  std::vector<std::string> args = GetParam().args;
  args.insert(args.end(), {"--maxclients", "1100"});
  SpawnOptions opts;
  opts.nofile_soft = 256;
  ServerProcess server(args, opts);
  EXPECT_NE(server.log().find("Increased maximum number of open files to 1132 (it was originally "
                              "set to 256)."),
            std::string::npos)
      << server.log();

  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < kClients; i++) {
    conns.push_back(std::make_unique<Conn>(server.port()));
    ASSERT_FALSE(conns.back()->ctx()->err) << "connection " << i << " failed";
  }
  // Every client has its request in flight before any reply is read.
  auto flush_all = [&] {
    for (auto& c : conns) {
      int done = 0;
      while (!done)
        if (redisBufferWrite(c->ctx(), &done) != REDIS_OK) break;
    }
  };
  auto value = [](int i) { return "value-of-" + std::to_string(i) + std::string(i % 50, '+'); };
  for (int i = 0; i < kClients; i++) {
    conns[i]->append({"SET", "key:" + std::to_string(i), value(i)});
    conns[i]->append({"GET", "key:" + std::to_string(i)});
  }
  flush_all();
  // Four readers, so replies for different clients are drained concurrently.
  std::vector<std::thread> readers;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; t++) {
    readers.emplace_back([&, t] {
      for (int i = t; i < kClients; i += 4) {
        if (str(conns[i]->read_reply()) != "OK") bad[t]++;
        if (str(conns[i]->read_reply()) != value(i)) bad[t]++;
      }
    });
  }
  for (auto& th : readers) th.join();
  for (int t = 0; t < 4; t++) EXPECT_EQ(bad[t], 0) << "reader " << t;
  // Each client now reads its neighbour's key: all keys are distinct and intact.
  for (int i = 0; i < kClients; i++)
    conns[i]->append({"GET", "key:" + std::to_string((i + 1) % kClients)});
  flush_all();
  int wrong = 0;
  for (int i = 0; i < kClients; i++)
    if (str(conns[i]->read_reply()) != value((i + 1) % kClients)) wrong++;
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(client_count(*conns[0]), kClients);
  conns.clear();
  EXPECT_TRUE(server.alive());
  EXPECT_EQ(server.stop(), 0);
}

RKV_INSTANTIATE_IO_MODES(ManyClientsTest);

TEST(OpenFilesLimitTest, MaxclientsIsReducedWhenTheLimitCannotBeRaised) {
  // No limit can hold INT_MAX clients (fs.nr_open is far below), whoever runs the test:
  // the server must lower maxclients to what it got, say so, and still start.
  SpawnOptions opts;
  opts.nofile_soft = 256;
  opts.nofile_hard = 256;
  ServerProcess server({"--maxclients", "2147483647"}, opts);
  ASSERT_TRUE(server.alive()) << server.log();
  std::string log = server.log();
  EXPECT_NE(log.find("You requested maxclients of 2147483647 requiring at least 2147483679 max "
                     "file descriptors."),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("Server can't set maximum open files to 2147483679 because of OS error: "),
            std::string::npos)
      << log;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m,
                                std::regex("Current maximum open files is (\\d+)\\. "
                                           "maxclients has been reduced to (\\d+) to "
                                           "compensate for low ulimit\\.")))
      << log;
  long long files = std::stoll(m[1]), reduced = std::stoll(m[2]);
  EXPECT_EQ(reduced, files - 32);
  EXPECT_GE(files, 256);
  Conn c(server.port());
  auto r = c.cmd({"CONFIG", "GET", "maxclients"});
  ASSERT_TRUE(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2);
  EXPECT_EQ(std::string(r->element[1]->str), std::to_string(reduced));
}

}  // namespace
}  // namespace rkv::test
