// The "# IO" INFO section and adaptive busy polling (busy-poll-us).
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

std::map<std::string, std::string> info_io(Conn& c) {
  std::map<std::string, std::string> out;
  std::string text = str(c.cmd({"INFO", "io"}));
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find("\r\n", pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 1);
    pos = nl + 2;
  }
  return out;
}

long long num(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  EXPECT_NE(it, m.end()) << "missing INFO io field " << k;
  return it == m.end() ? -1 : std::stoll(it->second);
}

class IoStatsTest : public ServerTest {};

TEST_P(IoStatsTest, CountersFollowTraffic) {
  auto before = info_io(conn());
  EXPECT_EQ(before["io_backend"], GetParam().backend);
  for (int i = 0; i < 200; i++) conn().append({"SET", "k" + std::to_string(i), "v"});
  for (int i = 0; i < 200; i++) EXPECT_EQ(str(conn().read_reply()), "OK");
  auto after = info_io(conn());
  EXPECT_GT(num(after, "io_read_calls"), num(before, "io_read_calls"));
  EXPECT_GT(num(after, "io_write_calls"), num(before, "io_write_calls"));
  EXPECT_GT(num(after, "io_loop_iterations"), num(before, "io_loop_iterations"));
  EXPECT_GT(num(after, "io_work_usec"), 0);
  EXPECT_GT(num(after, "io_wait_usec"), 0);
  EXPECT_EQ(str(conn().cmd({"CONFIG", "RESETSTAT"})), "OK");
  auto reset = info_io(conn());
  EXPECT_LT(num(reset, "io_read_calls"), num(after, "io_read_calls"));
}

TEST_P(IoStatsTest, BusyPollSpinsUnderLoadAndStopsWhenIdle) {
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "busy-poll-us", "200"})), "OK");
  EXPECT_EQ(num(info_io(conn()), "io_busy_poll_us"), 200);
  // Request/response traffic with replies coming back within the spin window earns
  // spin credit, so some waits are replaced by spins that find the next request.
  for (int i = 0; i < 2000; i++) ASSERT_EQ(str(conn().cmd({"PING"})), "PONG");
  auto loaded = info_io(conn());
  EXPECT_GT(num(loaded, "io_busy_polls"), 0);
  EXPECT_GT(num(loaded, "io_busy_poll_hits"), 0);
  // Idle: the cron wakes the loop 10 times a second, but misses use up the credit, so
  // the number of spins stops growing.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  long long idle_start = num(info_io(conn()), "io_busy_polls");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  long long idle_end = num(info_io(conn()), "io_busy_polls");
  // Each INFO call is itself traffic; allow the spins those two requests can cause.
  EXPECT_LE(idle_end - idle_start, 4);
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "busy-poll-us", "0"})), "OK");
  long long off_start = num(info_io(conn()), "io_busy_polls");
  for (int i = 0; i < 500; i++) ASSERT_EQ(str(conn().cmd({"PING"})), "PONG");
  EXPECT_EQ(num(info_io(conn()), "io_busy_polls"), off_start);
}

// Wake-up coalescing (io-batch-wait-us): concurrent clients are served in batches, a lone
// client never waits for a batch.
TEST_P(IoStatsTest, WaitsAreBatchedOnlyUnderConcurrency) {
  // A long window makes "at least two requests expected per window" true at any speed,
  // and min-cpu 0 batches however busy the loop is (the test machine's speed varies).
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "io-batch-wait-us", "1000"})), "OK");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "io-batch-min-cpu", "0"})), "OK");
  if (num(info_io(conn()), "io_batch_wait_us") == 0)
    GTEST_SKIP() << "this backend cannot batch waits on this kernel (io_uring before 6.12)";
  for (int i = 0; i < 2000; i++) ASSERT_EQ(str(conn().cmd({"PING"})), "PONG");
  EXPECT_EQ(num(info_io(conn()), "io_batched_waits"), 0) << "a lone client was held back";

  constexpr int kClients = 12, kRequests = 1500;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < kClients; t++) {
    threads.emplace_back([&, t] {
      Conn c(port());
      for (int i = 0; i < kRequests; i++) {
        std::string v = std::to_string(t * kRequests + i);
        if (str(c.cmd({"SET", "k" + std::to_string(t), v})) != "OK") wrong++;
        if (str(c.cmd({"GET", "k" + std::to_string(t)})) != v) wrong++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  auto loaded = info_io(conn());
  EXPECT_GT(num(loaded, "io_batched_waits"), 0);
  EXPECT_GT(std::stod(loaded["io_events_per_wake"]), 1.5);
}

// An idle server uses no CPU in any mode: no spinning, no batching, only the cron.
TEST_P(IoStatsTest, IdleServerUsesNoCpu) {
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; t++) {
      threads.emplace_back([&] {
        Conn c(port());
        for (int i = 0; i < 500; i++) c.cmd({"INCR", "n"});
      });
    }
    for (auto& th : threads) th.join();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  long long before = process_cpu_ticks(server().pid());
  ASSERT_GE(before, 0);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  // 3 s is 300 ticks at the usual 100 Hz: 1% is 3 ticks.
  EXPECT_LE(process_cpu_ticks(server().pid()) - before, 3);
}

RKV_INSTANTIATE_IO_MODES(IoStatsTest);

}  // namespace
}  // namespace rkv::test
