// Real Redis tools against the server: redis-cli (one-shot, --raw, stdin, RESP3) and
// redis-benchmark (plain and pipelined). Expected outputs were taken from the same tools
// run against redis-server 7.0.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

struct ToolRun {
  int exit_code = -1;  // -1: did not exit normally
  std::string output;  // stdout and stderr, interleaved
};

// Runs `argv` (no shell quoting needed: arguments are passed through a script file as
// single-quoted words), optionally feeding `input` on stdin, bounded by `timeout_s`.
ToolRun run_tool(const std::vector<std::string>& argv, const std::string& input = "",
                 int timeout_s = 120) {
  auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string cmd;
  std::string timeout = find_tool("timeout");
  if (!timeout.empty()) cmd = quote(timeout) + " " + std::to_string(timeout_s) + " ";
  for (const auto& a : argv) cmd += quote(a) + " ";
  char in_path[] = "/tmp/rkv-tool-in-XXXXXX";
  int fd = mkstemp(in_path);
  if (fd >= 0) {
    bool ok = static_cast<size_t>(write(fd, input.data(), input.size())) == input.size();
    close(fd);
    EXPECT_TRUE(ok) << "could not write the tool's stdin file";
  }
  cmd += "< " + quote(in_path) + " 2>&1";
  ToolRun run;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) run.output.append(buf, n);
    int status = pclose(p);
    if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  }
  unlink(in_path);
  return run;
}

class RedisCliTest : public ServerTest {
 protected:
  void SetUp() override {
    cli_ = find_tool("redis-cli");
    if (cli_.empty()) GTEST_SKIP() << "redis-cli is not installed (apt-get install redis-tools)";
    ServerTest::SetUp();
  }
  ToolRun cli(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {cli_, "-p", std::to_string(port())});
    return run_tool(args, input);
  }
  std::string cli_;
};

TEST_P(RedisCliTest, OneShotCommands) {
  // Not a terminal: redis-cli prints raw values, one per line.
  auto r = cli({"set", "a", "1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "OK\n");
  EXPECT_EQ(cli({"get", "a"}).output, "1\n");
  EXPECT_EQ(cli({"get", "missing"}).output, "\n");
  EXPECT_EQ(cli({"--raw", "incrby", "a", "5"}).output, "6\n");
  EXPECT_EQ(cli({"--raw", "set", "s", "two\nlines"}).output, "OK\n");
  EXPECT_EQ(cli({"--raw", "get", "s"}).output, "two\nlines\n");
  // --no-raw: the interactive formatting.
  EXPECT_EQ(cli({"--no-raw", "get", "a"}).output, "\"6\"\n");
  EXPECT_EQ(cli({"--no-raw", "get", "missing"}).output, "(nil)\n");
  EXPECT_EQ(cli({"--no-raw", "get", "s"}).output, "\"two\\nlines\"\n");
  EXPECT_EQ(cli({"--no-raw", "nosuch"}).output,
            "(error) ERR unknown command 'nosuch', with args beginning with: \n");
  EXPECT_EQ(str(conn().cmd({"GET", "a"})), "6");
}

TEST_P(RedisCliTest, CommandsFromStdin) {
  auto r = cli({}, "set b \"x y\"\nget b\nping\nset 'q k' 'it\\'s'\nget 'q k'\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "OK\nx y\nPONG\nOK\nit's\n");
  EXPECT_EQ(str(conn().cmd({"GET", "b"})), "x y");
}

TEST_P(RedisCliTest, Resp3Hello) {
  auto r = cli({"-3", "--no-raw", "hello"});
  EXPECT_EQ(r.exit_code, 0);
  // Everything except the connection id, which varies.
  std::string out = r.output;
  size_t id = out.find("4# \"id\" => (integer) ");
  ASSERT_NE(id, std::string::npos) << out;
  out.erase(id, out.find('\n', id) + 1 - id);
  EXPECT_EQ(out,
            "1# \"server\" => \"redis\"\n"
            "2# \"version\" => \"7.0.15\"\n"
            "3# \"proto\" => (integer) 3\n"
            "5# \"mode\" => \"standalone\"\n"
            "6# \"role\" => \"master\"\n"
            "7# \"modules\" => (empty array)\n");
  EXPECT_EQ(cli({"-3", "--no-raw", "get", "missing"}).output, "(nil)\n");
}

RKV_INSTANTIATE_IO_MODES(RedisCliTest);

class RedisBenchmarkTest : public ServerTest {
 protected:
  void SetUp() override {
    bench_ = find_tool("redis-benchmark");
    if (bench_.empty())
      GTEST_SKIP() << "redis-benchmark is not installed (apt-get install redis-tools)";
    ServerTest::SetUp();
  }
  void run_and_check(std::vector<std::string> extra) {
    std::vector<std::string> args = {
        bench_, "-p", std::to_string(port()), "-t", "ping,set,get,incr,mset", "-n", "20000", "-c",
        "20",   "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    ToolRun r = run_tool(args, "", 300);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    // redis-benchmark stops at the first error reply ("Error from server: ...").
    EXPECT_EQ(r.output.find("rror"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("ERR"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("WARNING"), std::string::npos) << r.output;  // CONFIG GET failed
    for (const char* t :
         {"PING_INLINE: ", "PING_MBULK: ", "SET: ", "GET: ", "INCR: ", "MSET (10 keys): "}) {
      EXPECT_NE(r.output.find(t), std::string::npos) << "no result line for " << t << "\n"
                                                     << r.output;
    }
    std::string stats = str(conn().cmd({"INFO", "stats"}));
    EXPECT_NE(stats.find("total_error_replies:0\r\n"), std::string::npos) << stats;
    // 20000 INCRs of one key: every one was executed exactly once.
    EXPECT_EQ(str(conn().cmd({"GET", "counter:__rand_int__"})), "20000");
  }
  std::string bench_;
};

TEST_P(RedisBenchmarkTest, CoreCommands) {
  run_and_check({});
}

TEST_P(RedisBenchmarkTest, CoreCommandsPipelined) {
  run_and_check({"-P", "16"});
}

// redis-benchmark's default test list (no -t): every data type's commands, LRANGE_*
// included, run to the end without an error reply.
TEST_P(RedisBenchmarkTest, DefaultTestList) {
  ToolRun r =
      run_tool({bench_, "-p", std::to_string(port()), "-n", "2000", "-c", "10", "-q"}, "", 300);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("rror"), std::string::npos) << r.output;
  for (const char* t : {"LPUSH: ", "RPOP: ", "SADD: ", "HSET: ", "SPOP: ", "ZADD: ", "ZPOPMIN: ",
                        "LRANGE_600 (first 600 elements): ", "MSET (10 keys): "}) {
    EXPECT_NE(r.output.find(t), std::string::npos) << "no result line for " << t << "\n"
                                                   << r.output;
  }
  std::string stats = str(conn().cmd({"INFO", "stats"}));
  EXPECT_NE(stats.find("total_error_replies:0\r\n"), std::string::npos) << stats;
}

RKV_INSTANTIATE_IO_MODES(RedisBenchmarkTest);

}  // namespace
}  // namespace rkv::test
