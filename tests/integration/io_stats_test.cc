// The "# IO" INFO section and adaptive busy polling (busy-poll-us).
#include <map>
#include <thread>

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

RKV_INSTANTIATE_IO_MODES(IoStatsTest);

}  // namespace
}  // namespace rkv::test
