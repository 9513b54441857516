// Client eviction (maxmemory-clients) against the running server, in every IO mode: a
// client whose query buffer, unread Pub/Sub messages or MULTI queue take the clients
// over the limit is closed (largest first), INFO evicted_clients counts it, CLIENT
// NO-EVICT clients are kept, the others survive, and 0 turns it off. The config's
// replies are compared with redis-server in tests/compat/client-eviction.txt.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr size_t kKB = 1024;
constexpr size_t kMB = 1024 * 1024;

class ClientEvictionTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    // The test's own connection must outlive everything it watches.
    ASSERT_EQ(str(conn().cmd({"CLIENT", "NO-EVICT", "on"})), "OK");
  }

  std::unique_ptr<Conn> named(const std::string& name) {
    auto c = std::make_unique<Conn>(port());
    EXPECT_EQ(str(c->cmd({"CLIENT", "SETNAME", name})), "OK");
    return c;
  }

  // Sends `bytes` of a SET whose value is announced bigger: they stay in the query buffer.
  static void send_partial(Conn& c, size_t bytes) {
    c.send_raw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(bytes * 2) + "\r\n" +
               std::string(bytes, 'x'));
  }

  long long evicted() { return std::stoll(info_field(conn(), "stats", "evicted_clients")); }

  bool listed(const std::string& name) {
    return str(conn().cmd({"CLIENT", "LIST"})).find(" name=" + name + " ") != std::string::npos;
  }

  // The line of CLIENT LIST for the named client ("" when absent).
  std::string list_line(const std::string& name) {
    const std::string all = str(conn().cmd({"CLIENT", "LIST"}));
    const size_t at = all.find(" name=" + name + " ");
    if (at == std::string::npos) return "";
    const size_t begin = all.rfind('\n', at);
    const size_t end = all.find('\n', at);
    return all.substr(begin == std::string::npos ? 0 : begin + 1,
                      end == std::string::npos ? std::string::npos : end - begin - 1);
  }

  void set_limit(const std::string& v) {
    ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", "maxmemory-clients", v})), "OK");
  }
};

TEST_P(ClientEvictionTest, BigQueryBufferIsEvictedOthersSurvive) {
  set_limit("1mb");
  auto bystander = named("bystander");
  auto big = named("big");
  send_partial(*big, 2 * kMB);
  EXPECT_TRUE(big->wait_closed(5000));
  EXPECT_EQ(evicted(), 1);
  EXPECT_FALSE(listed("big"));
  EXPECT_EQ(str(bystander->cmd({"PING"})), "PONG");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "<nil>");  // its command never ran
  const std::string log = server().log();
  const size_t at = log.find("Evicting client: id=");
  ASSERT_NE(at, std::string::npos) << log;
  EXPECT_NE(log.find("name=big", at), std::string::npos);
  // A small client is not over anything.
  Conn fresh(port());
  EXPECT_EQ(str(fresh.cmd({"SET", "k", std::string(100 * kKB, 'v')})), "OK");
  EXPECT_EQ(evicted(), 1);
}

TEST_P(ClientEvictionTest, NoEvictClientIsKeptTheLargestEvictableGoes) {
  set_limit("4mb");
  auto keeper = named("keeper");
  ASSERT_EQ(str(keeper->cmd({"CLIENT", "NO-EVICT", "on"})), "OK");
  auto bystander = named("bystander");
  send_partial(*keeper, 1536 * kKB);
  ASSERT_TRUE(
      eventually([&] { return list_line("keeper").find(" qbuf=0 ") == std::string::npos; }));
  EXPECT_NE(list_line("keeper").find(" flags=e "), std::string::npos) << list_line("keeper");
  auto victim = named("victim");
  send_partial(*victim, 3 * kMB);
  EXPECT_TRUE(victim->wait_closed(5000));
  EXPECT_EQ(evicted(), 1);
  EXPECT_TRUE(listed("keeper"));
  EXPECT_FALSE(keeper->wait_closed(200));
  EXPECT_EQ(str(bystander->cmd({"PING"})), "PONG");
  // Its command completes later, as if nothing happened.
  keeper->send_raw(std::string(1536 * kKB, 'x') + "\r\n");
  EXPECT_EQ(str(keeper->read_reply()), "OK");
  EXPECT_EQ(str(conn().cmd({"STRLEN", "k"})), std::to_string(3 * kMB));
}

TEST_P(ClientEvictionTest, OnlyNoEvictClientsOverTheLimitEvictEveryoneElse) {
  // As Redis: NO-EVICT clients count towards the sum but are never chosen, so when they
  // alone hold more than the limit every evictable client goes.
  set_limit("1mb");
  auto keeper = named("keeper");
  ASSERT_EQ(str(keeper->cmd({"CLIENT", "NO-EVICT", "on"})), "OK");
  auto small = named("small");
  send_partial(*keeper, 2 * kMB);
  EXPECT_TRUE(small->wait_closed(5000));
  EXPECT_FALSE(keeper->wait_closed(200));
  EXPECT_EQ(evicted(), 1);
  EXPECT_TRUE(eventually([&] {
    return server().log().find("Over client maxmemory after evicting all evictable clients") !=
           std::string::npos;
  }));
  // The kept client finishes its command normally.
  keeper->send_raw(std::string(2 * kMB, 'x') + "\r\n");
  EXPECT_EQ(str(keeper->read_reply()), "OK");
  EXPECT_EQ(str(conn().cmd({"STRLEN", "k"})), std::to_string(4 * kMB));
}

TEST_P(ClientEvictionTest, SubscriberThatNeverReadsIsEvicted) {
  set_limit("2mb");
  auto sub = named("sub");
  sub->cmd({"SUBSCRIBE", "flood"});
  auto fast = named("fast");
  fast->cmd({"SUBSCRIBE", "other"});
  const std::string payload(256 * kKB, 'x');
  long long last = 1;
  for (int i = 0; i < 128 && last != 0; i++)
    last = integer(conn().cmd({"PUBLISH", "flood", payload}));
  EXPECT_EQ(last, 0) << "the subscriber should have been evicted";
  EXPECT_EQ(evicted(), 1);
  EXPECT_FALSE(listed("sub"));
  // Not the output buffer limit (32mb hard, 8mb soft for 60 s): eviction came first.
  EXPECT_EQ(server().log().find("for overcoming of output buffer limits"), std::string::npos);
  EXPECT_EQ(integer(conn().cmd({"PUBLISH", "other", "still"})), 1);
  auto msg = fast->read_reply();
  ASSERT_TRUE(msg);
  ASSERT_EQ(msg->elements, 3u);
  EXPECT_EQ(std::string(msg->element[2]->str, msg->element[2]->len), "still");
}

TEST_P(ClientEvictionTest, HugeMultiQueueIsEvicted) {
  set_limit("1mb");
  auto big = named("multi");
  std::string pipeline = encode_command({"MULTI"});
  const std::string value(64 * kKB, 'v');
  for (int i = 0; i < 48; i++) pipeline += encode_command({"SET", "k" + std::to_string(i), value});
  big->send_raw(pipeline);
  EXPECT_TRUE(big->wait_closed(5000));
  EXPECT_EQ(evicted(), 1);
  EXPECT_EQ(str(conn().cmd({"DBSIZE"})), "0");
}

TEST_P(ClientEvictionTest, ZeroIsOffAndSettingALimitEvictsAtOnce) {
  auto r = conn().cmd({"CONFIG", "GET", "maxmemory-clients"});
  ASSERT_EQ(r->elements, 2u);
  EXPECT_EQ(std::string(r->element[1]->str), "0");
  auto big = named("big");
  send_partial(*big, 3 * kMB);
  ASSERT_TRUE(eventually([&] { return list_line("big").find(" qbuf=0 ") == std::string::npos; }));
  EXPECT_FALSE(big->wait_closed(300));
  EXPECT_EQ(evicted(), 0);
  // Turned on: the idle client over the limit goes without sending anything more.
  set_limit("1mb");
  EXPECT_TRUE(big->wait_closed(5000));
  EXPECT_EQ(evicted(), 1);
  // Off again: nothing more is evicted.
  set_limit("0");
  auto big2 = named("big2");
  send_partial(*big2, 3 * kMB);
  EXPECT_FALSE(big2->wait_closed(500));
  EXPECT_EQ(evicted(), 1);
  // CONFIG RESETSTAT zeroes the counter.
  EXPECT_EQ(str(conn().cmd({"CONFIG", "RESETSTAT"})), "OK");
  EXPECT_EQ(evicted(), 0);
}

TEST_P(ClientEvictionTest, PercentageOfMaxmemory) {
  ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", "maxmemory", "100mb"})), "OK");
  set_limit("3%");  // 3 MB
  auto kept = named("kept");
  send_partial(*kept, 1 * kMB);
  EXPECT_FALSE(kept->wait_closed(300));
  EXPECT_EQ(evicted(), 0);
  auto big = named("big");
  send_partial(*big, 3 * kMB);
  EXPECT_TRUE(big->wait_closed(5000));
  EXPECT_EQ(evicted(), 1);
  EXPECT_TRUE(listed("kept"));
  // Without maxmemory a percentage limits nothing.
  ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", "maxmemory", "0"})), "OK");
  auto big2 = named("big2");
  send_partial(*big2, 3 * kMB);
  EXPECT_FALSE(big2->wait_closed(500));
  EXPECT_EQ(evicted(), 1);
}

TEST_P(ClientEvictionTest, NoEvictFlagInClientInfoAndList) {
  auto c = named("flagged");
  EXPECT_NE(str(c->cmd({"CLIENT", "INFO"})).find(" flags=N "), std::string::npos);
  EXPECT_EQ(str(c->cmd({"CLIENT", "NO-EVICT", "on"})), "OK");
  EXPECT_NE(str(c->cmd({"CLIENT", "INFO"})).find(" flags=e "), std::string::npos);
  EXPECT_NE(list_line("flagged").find(" flags=e "), std::string::npos);
  EXPECT_EQ(str(c->cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(c->cmd({"CLIENT", "INFO"})), "QUEUED");
  auto exec = c->cmd({"EXEC"});
  ASSERT_TRUE(exec && exec->elements == 1);
  EXPECT_NE(std::string(exec->element[0]->str).find(" flags=xe "), std::string::npos);
  EXPECT_EQ(str(c->cmd({"CLIENT", "NO-EVICT", "off"})), "OK");
  EXPECT_NE(str(c->cmd({"CLIENT", "INFO"})).find(" flags=N "), std::string::npos);
  EXPECT_TRUE(is_error(c->cmd({"CLIENT", "NO-EVICT", "maybe"}), "ERR syntax error"));
}

RKV_INSTANTIATE_IO_MODES(ClientEvictionTest);

}  // namespace
}  // namespace rkv::test
