// Pub/Sub against the running server, in every IO mode: SUBSCRIBE PSUBSCRIBE SSUBSCRIBE,
// their UNSUBSCRIBEs, PUBLISH SPUBLISH, PUBSUB, subscriber mode (RESP2) and pushes
// (RESP3), CLIENT LIST/KILL and INFO views, and client-output-buffer-limit.
// Exact replies come from redis-server 7.0.15.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kSubscriberModeError =
    "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
    "allowed in this context";

std::string subscriber_error(const std::string& cmd) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), kSubscriberModeError, cmd.c_str());
  return buf;
}

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
// A RESP3 push (or, with head '*', a RESP2 array) of bulks.
std::string frame(char head, std::initializer_list<std::string_view> parts) {
  std::string out = head + std::to_string(parts.size()) + "\r\n";
  for (auto p : parts) out += bulk(p);
  return out;
}
// A subscription confirmation: [kind, name, count].
std::string confirmation(char head, std::string_view kind, std::string_view name, int count) {
  return head + std::string("3\r\n") + bulk(kind) + bulk(name) + ":" + std::to_string(count) +
         "\r\n";
}

// Elements of a RESP2 array reply as strings (integers as their digits).
std::vector<std::string> elements(const ReplyPtr& r) {
  std::vector<std::string> out;
  if (!r || r->type != REDIS_REPLY_ARRAY) return out;
  for (size_t i = 0; i < r->elements; i++) {
    const redisReply* e = r->element[i];
    if (e->type == REDIS_REPLY_INTEGER)
      out.push_back(std::to_string(e->integer));
    else if (e->type == REDIS_REPLY_NIL)
      out.push_back("<nil>");
    else
      out.emplace_back(e->str, e->len);
  }
  return out;
}
using Strings = std::vector<std::string>;

// Peak resident set size of a process (VmHWM), in kB; -1 when unknown.
long long peak_rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

class PubSubTest : public ServerTest {
 protected:
  std::unique_ptr<Conn> connect() { return std::make_unique<Conn>(port()); }
  long long pubsub_clients() {
    std::string list = str(conn().cmd({"CLIENT", "LIST", "TYPE", "pubsub"}));
    long long n = 0;
    for (char ch : list) n += ch == '\n';
    return n;
  }
};

TEST_P(PubSubTest, SeveralSubscribersAndPatterns) {
  auto a = connect(), b = connect(), c = connect();
  EXPECT_EQ(elements(a->cmd({"SUBSCRIBE", "news"})), (Strings{"subscribe", "news", "1"}));
  EXPECT_EQ(elements(b->cmd({"SUBSCRIBE", "news"})), (Strings{"subscribe", "news", "1"}));
  EXPECT_EQ(elements(c->cmd({"PSUBSCRIBE", "n*"})), (Strings{"psubscribe", "n*", "1"}));
  EXPECT_EQ(elements(c->cmd({"PSUBSCRIBE", "*s"})), (Strings{"psubscribe", "*s", "2"}));

  // Two channel subscribers plus two matching patterns of c: four deliveries.
  EXPECT_EQ(integer(conn().cmd({"PUBLISH", "news", "hello"})), 4);
  EXPECT_EQ(elements(a->read_reply()), (Strings{"message", "news", "hello"}));
  EXPECT_EQ(elements(b->read_reply()), (Strings{"message", "news", "hello"}));
  Strings p1 = elements(c->read_reply()), p2 = elements(c->read_reply());
  if (p1[1] != "n*") std::swap(p1, p2);
  EXPECT_EQ(p1, (Strings{"pmessage", "n*", "news", "hello"}));
  EXPECT_EQ(p2, (Strings{"pmessage", "*s", "news", "hello"}));

  EXPECT_EQ(integer(conn().cmd({"PUBLISH", "nope", "x"})), 1);  // n* only
  EXPECT_EQ(elements(c->read_reply()), (Strings{"pmessage", "n*", "nope", "x"}));
  EXPECT_EQ(integer(conn().cmd({"PUBLISH", "other", "x"})), 0);

  // Binary-safe channel and message.
  const std::string bin("a\0\r\nb", 5);
  EXPECT_EQ(elements(a->cmd({"SUBSCRIBE", bin})), (Strings{"subscribe", bin, "2"}));
  EXPECT_EQ(integer(conn().cmd({"PUBLISH", bin, bin})), 1);
  EXPECT_EQ(elements(a->read_reply()), (Strings{"message", bin, bin}));

  // Messages arrive in publish order.
  for (int i = 0; i < 100; i++) conn().append({"PUBLISH", "news", std::to_string(i)});
  for (int i = 0; i < 100; i++) EXPECT_EQ(integer(conn().read_reply()), 4);
  for (int i = 0; i < 100; i++)
    ASSERT_EQ(elements(a->read_reply()), (Strings{"message", "news", std::to_string(i)}));
}

TEST_P(PubSubTest, ManySubscribersAllReceive) {
  std::vector<std::unique_ptr<Conn>> subs;
  for (int i = 0; i < 50; i++) {
    subs.push_back(connect());
    subs.back()->cmd({"SUBSCRIBE", "fan"});
  }
  EXPECT_EQ(integer(conn().cmd({"PUBLISH", "fan", "out"})), 50);
  for (auto& s : subs) EXPECT_EQ(elements(s->read_reply()), (Strings{"message", "fan", "out"}));
  // A subscriber that goes away is forgotten.
  subs.resize(10);
  EXPECT_TRUE(eventually([&] { return integer(conn().cmd({"PUBLISH", "fan", "x"})) == 10; }));
  EXPECT_EQ(elements(conn().cmd({"PUBSUB", "NUMSUB", "fan"})), (Strings{"fan", "10"}));
}

TEST_P(PubSubTest, UnsubscribeCounts) {
  Conn& c = conn();
  c.append({"SUBSCRIBE", "a", "b", "a"});
  EXPECT_EQ(elements(c.read_reply()), (Strings{"subscribe", "a", "1"}));
  EXPECT_EQ(elements(c.read_reply()), (Strings{"subscribe", "b", "2"}));
  EXPECT_EQ(elements(c.read_reply()), (Strings{"subscribe", "a", "2"}));
  // Patterns count with channels; shard channels count alone.
  EXPECT_EQ(elements(c.cmd({"PSUBSCRIBE", "p*"})), (Strings{"psubscribe", "p*", "3"}));
  EXPECT_EQ(elements(c.cmd({"SSUBSCRIBE", "s"})), (Strings{"ssubscribe", "s", "1"}));
  c.append({"UNSUBSCRIBE", "a", "zz"});
  EXPECT_EQ(elements(c.read_reply()), (Strings{"unsubscribe", "a", "2"}));
  EXPECT_EQ(elements(c.read_reply()), (Strings{"unsubscribe", "zz", "2"}));
  EXPECT_EQ(elements(c.cmd({"UNSUBSCRIBE"})), (Strings{"unsubscribe", "b", "1"}));
  // Subscribed to no channel: still one confirmation, with a null name.
  EXPECT_EQ(elements(c.cmd({"UNSUBSCRIBE"})), (Strings{"unsubscribe", "<nil>", "1"}));
  EXPECT_EQ(elements(c.cmd({"PUNSUBSCRIBE"})), (Strings{"punsubscribe", "p*", "0"}));
  // Still subscribed to a shard channel: still in subscriber mode.
  EXPECT_EQ(str(c.cmd({"GET", "k"})), subscriber_error("get"));
  EXPECT_EQ(elements(c.cmd({"SUNSUBSCRIBE"})), (Strings{"sunsubscribe", "s", "0"}));
  EXPECT_EQ(str(c.cmd({"GET", "k"})), "<nil>");
  EXPECT_EQ(elements(c.cmd({"SUNSUBSCRIBE"})), (Strings{"sunsubscribe", "<nil>", "0"}));

  // Many channels at once, dropped all at once.
  std::vector<std::string> args = {"SUBSCRIBE"};
  for (int i = 0; i < 200; i++) args.push_back("ch" + std::to_string(i));
  c.append(args);
  for (int i = 0; i < 200; i++)
    ASSERT_EQ(elements(c.read_reply()), (Strings{"subscribe", args[i + 1], std::to_string(i + 1)}));
  c.append({"UNSUBSCRIBE"});
  std::vector<std::string> gone;
  for (int i = 0; i < 200; i++) {
    Strings r = elements(c.read_reply());
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0], "unsubscribe");
    EXPECT_EQ(r[2], std::to_string(199 - i));
    gone.push_back(r[1]);
  }
  std::sort(gone.begin(), gone.end());
  std::vector<std::string> want(args.begin() + 1, args.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(gone, want);
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
  EXPECT_EQ(info_field(c, "stats", "pubsub_channels"), "0");
}

TEST_P(PubSubTest, SubscriberModeRestrictsResp2) {
  Conn& c = conn();
  EXPECT_EQ(elements(c.cmd({"SUBSCRIBE", "x"})), (Strings{"subscribe", "x", "1"}));
  EXPECT_EQ(str(c.cmd({"GET", "k"})), subscriber_error("get"));
  EXPECT_EQ(str(c.cmd({"PUBLISH", "x", "m"})), subscriber_error("publish"));
  EXPECT_EQ(str(c.cmd({"CLIENT", "ID"})), subscriber_error("client|id"));
  EXPECT_EQ(str(c.cmd({"HELLO", "3"})), subscriber_error("hello"));
  // Unknown commands and wrong arity are reported as such first.
  EXPECT_EQ(str(c.cmd({"NOSUCH"})), "ERR unknown command 'NOSUCH', with args beginning with: ");
  EXPECT_EQ(str(c.cmd({"PING", "a", "b"})), "ERR wrong number of arguments for 'ping' command");
  EXPECT_EQ(elements(c.cmd({"PING"})), (Strings{"pong", ""}));
  EXPECT_EQ(elements(c.cmd({"PING", "hi"})), (Strings{"pong", "hi"}));
  // The rejected commands count as rejected calls.
  auto other = connect();
  EXPECT_NE(str(other->cmd({"INFO", "commandstats"})).find("cmdstat_get:calls=0,usec=0,"),
            std::string::npos);
  // RESET leaves subscriber mode without confirmations.
  EXPECT_EQ(str(c.cmd({"RESET"})), "RESET");
  EXPECT_EQ(str(c.cmd({"GET", "k"})), "<nil>");
  EXPECT_EQ(integer(other->cmd({"PUBLISH", "x", "m"})), 0);
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
  // QUIT is allowed and closes.
  c.cmd({"PSUBSCRIBE", "*"});
  EXPECT_EQ(str(c.cmd({"QUIT"})), "OK");
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(eventually([&] { return integer(other->cmd({"PUBSUB", "NUMPAT"})) == 0; }));
}

TEST_P(PubSubTest, Resp3PushesInterleaveWithReplies) {
  Conn& c = conn();
  c.raw_cmd({"HELLO", "3"});
  EXPECT_EQ(c.raw_cmd({"SUBSCRIBE", "ch"}), confirmation('>', "subscribe", "ch", 1));
  // Any command runs while subscribed.
  EXPECT_EQ(c.raw_cmd({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(c.raw_cmd({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(c.raw_cmd({"PING"}), "+PONG\r\n");

  // A message published meanwhile comes before the next reply.
  auto other = connect();
  EXPECT_EQ(integer(other->cmd({"PUBLISH", "ch", "m1"})), 1);
  const std::string push = frame('>', {"message", "ch", "m1"});
  c.send_raw(encode_command({"GET", "k"}));
  EXPECT_EQ(c.recv_raw(push.size() + 7), push + "$1\r\nv\r\n");

  // Publishing to one's own channel: the push first, then the count.
  const std::string self = frame('>', {"message", "ch", "m2"}) + ":1\r\n";
  c.send_raw(encode_command({"PUBLISH", "ch", "m2"}));
  EXPECT_EQ(c.recv_raw(self.size()), self);

  EXPECT_EQ(c.raw_cmd({"PSUBSCRIBE", "c*"}), confirmation('>', "psubscribe", "c*", 2));
  const std::string both =
      frame('>', {"message", "ch", "m3"}) + frame('>', {"pmessage", "c*", "ch", "m3"}) + ":2\r\n";
  c.send_raw(encode_command({"PUBLISH", "ch", "m3"}));
  EXPECT_EQ(c.recv_raw(both.size()), both);
  EXPECT_EQ(c.raw_cmd({"UNSUBSCRIBE", "ch"}), confirmation('>', "unsubscribe", "ch", 1));
  EXPECT_EQ(c.raw_cmd({"UNSUBSCRIBE"}), ">3\r\n$11\r\nunsubscribe\r\n_\r\n:1\r\n");

  // Shard channels deliver "smessage".
  EXPECT_EQ(c.raw_cmd({"SSUBSCRIBE", "sh"}), confirmation('>', "ssubscribe", "sh", 1));
  EXPECT_EQ(integer(other->cmd({"SPUBLISH", "sh", "m4"})), 1);
  const std::string smsg = frame('>', {"smessage", "sh", "m4"});
  EXPECT_EQ(c.recv_raw(smsg.size()), smsg);

  // Back to RESP2 while subscribed: the restrictions apply again.
  EXPECT_NE(c.raw_cmd({"HELLO", "2"}).find("proto"), std::string::npos);
  EXPECT_EQ(c.raw_cmd({"GET", "k"}), "-" + subscriber_error("get") + "\r\n");
  EXPECT_EQ(integer(other->cmd({"PUBLISH", "cx", "m5"})), 1);
  const std::string arr = frame('*', {"pmessage", "c*", "cx", "m5"});
  EXPECT_EQ(c.recv_raw(arr.size()), arr);
}

TEST_P(PubSubTest, ShardChannelsAreASeparateNamespace) {
  auto s = connect(), p = connect();
  EXPECT_EQ(elements(s->cmd({"SSUBSCRIBE", "orders"})), (Strings{"ssubscribe", "orders", "1"}));
  EXPECT_EQ(elements(p->cmd({"PSUBSCRIBE", "*"})), (Strings{"psubscribe", "*", "1"}));
  // SPUBLISH reaches shard subscribers only, never patterns; PUBLISH never shard ones.
  EXPECT_EQ(integer(conn().cmd({"SPUBLISH", "orders", "o1"})), 1);
  EXPECT_EQ(elements(s->read_reply()), (Strings{"smessage", "orders", "o1"}));
  EXPECT_EQ(integer(conn().cmd({"PUBLISH", "orders", "o2"})), 1);
  EXPECT_EQ(elements(p->read_reply()), (Strings{"pmessage", "*", "orders", "o2"}));
  EXPECT_EQ(elements(conn().cmd({"PUBSUB", "SHARDCHANNELS"})), (Strings{"orders"}));
  EXPECT_EQ(elements(conn().cmd({"PUBSUB", "SHARDNUMSUB", "orders", "x"})),
            (Strings{"orders", "1", "x", "0"}));
  EXPECT_EQ(elements(conn().cmd({"PUBSUB", "CHANNELS"})), Strings{});
  EXPECT_EQ(elements(conn().cmd({"PUBSUB", "NUMSUB", "orders"})), (Strings{"orders", "0"}));
}

TEST_P(PubSubTest, Introspection) {
  auto a = connect(), b = connect();
  a->append({"SUBSCRIBE", "news.tech", "news.art", "weather"});
  for (int i = 0; i < 3; i++) a->read_reply();
  b->append({"SUBSCRIBE", "news.tech"});
  b->append({"PSUBSCRIBE", "news.*", "w*"});
  b->append({"SSUBSCRIBE", "s1", "s2"});
  for (int i = 0; i < 5; i++) b->read_reply();

  Strings channels = elements(conn().cmd({"PUBSUB", "CHANNELS"}));
  std::sort(channels.begin(), channels.end());
  EXPECT_EQ(channels, (Strings{"news.art", "news.tech", "weather"}));
  channels = elements(conn().cmd({"PUBSUB", "CHANNELS", "news.*"}));
  std::sort(channels.begin(), channels.end());
  EXPECT_EQ(channels, (Strings{"news.art", "news.tech"}));
  EXPECT_EQ(elements(conn().cmd({"PUBSUB", "NUMSUB", "news.tech", "weather", "none"})),
            (Strings{"news.tech", "2", "weather", "1", "none", "0"}));
  EXPECT_EQ(integer(conn().cmd({"PUBSUB", "NUMPAT"})), 2);
  EXPECT_EQ(elements(conn().cmd({"PUBSUB", "SHARDNUMSUB", "s1"})), (Strings{"s1", "1"}));

  EXPECT_EQ(info_field(conn(), "stats", "pubsub_channels"), "3");
  EXPECT_EQ(info_field(conn(), "stats", "pubsub_patterns"), "2");
  EXPECT_EQ(info_field(conn(), "stats", "pubsubshard_channels"), "2");

  // CLIENT LIST: counts, flag P, and TYPE pubsub / normal.
  std::string list = str(conn().cmd({"CLIENT", "LIST", "TYPE", "pubsub"}));
  EXPECT_NE(list.find("flags=P db=0 sub=3 psub=0 ssub=0 "), std::string::npos) << list;
  EXPECT_NE(list.find("flags=P db=0 sub=1 psub=2 ssub=2 "), std::string::npos) << list;
  EXPECT_EQ(pubsub_clients(), 2);
  std::string normal = str(conn().cmd({"CLIENT", "LIST", "TYPE", "normal"}));
  EXPECT_EQ(std::count(normal.begin(), normal.end(), '\n'), 1);
  EXPECT_NE(normal.find("flags=N db=0 sub=0 psub=0 ssub=0 "), std::string::npos);

  // Leaving every subscription ends pubsub mode (and type).
  a->cmd({"RESET"});
  EXPECT_EQ(pubsub_clients(), 1);
  EXPECT_EQ(info_field(conn(), "stats", "pubsub_channels"), "1");
  EXPECT_EQ(elements(conn().cmd({"PUBSUB", "NUMSUB", "news.tech"})), (Strings{"news.tech", "1"}));

  // CLIENT KILL TYPE pubsub closes the subscribers only.
  EXPECT_EQ(integer(conn().cmd({"CLIENT", "KILL", "TYPE", "pubsub"})), 1);
  EXPECT_TRUE(b->wait_closed());
  EXPECT_EQ(str(a->cmd({"PING"})), "PONG");
  EXPECT_TRUE(eventually([&] { return info_field(conn(), "stats", "pubsub_patterns") == "0"; }));
  EXPECT_EQ(info_field(conn(), "stats", "pubsubshard_channels"), "0");
  EXPECT_EQ(info_field(conn(), "stats", "pubsub_channels"), "0");
}

TEST_P(PubSubTest, SlowSubscriberIsDisconnectedAndMemoryStaysBounded) {
  // Redis's default pubsub limits (32mb hard, 8mb for 60 s soft) are in force.
  EXPECT_EQ(elements(conn().cmd({"CONFIG", "GET", "client-output-buffer-limit"})),
            (Strings{"client-output-buffer-limit",
                     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"}));
  auto sub = connect(), fast = connect();
  sub->cmd({"SUBSCRIBE", "flood"});
  fast->cmd({"SUBSCRIBE", "other"});
  const long long before_kb = peak_rss_kb(server().pid());
  // 256 MB towards a subscriber that never reads: without the limit the server would hold
  // nearly all of it.
  const std::string payload(64 * 1024, 'x');
  long long delivered = 0, last = 1;
  for (int batch = 0; batch < 64; batch++) {
    for (int i = 0; i < 64; i++) conn().append({"PUBLISH", "flood", payload});
    for (int i = 0; i < 64; i++) {
      last = integer(conn().read_reply());
      delivered += last;
    }
  }
  EXPECT_EQ(last, 0) << "the subscriber should have been cut off";
  EXPECT_LT(delivered, 64 * 64);
  EXPECT_GT(delivered, 32 * 1024 / 64);  // at least the hard limit's worth went out
  EXPECT_TRUE(eventually([&] { return pubsub_clients() == 1; }));
  const long long after_kb = peak_rss_kb(server().pid());
  // Sanitizer builds (no jemalloc) keep freed memory in quarantine, so RSS says nothing.
  const bool jemalloc = info_field(conn(), "memory", "mem_allocator").starts_with("jemalloc");
  if (before_kb > 0 && after_kb > 0 && jemalloc) {
    EXPECT_LT(after_kb - before_kb, 128 * 1024);
  }
  EXPECT_NE(server().log().find("scheduled to be closed ASAP for overcoming of output buffer "
                                "limits."),
            std::string::npos);
  // The other subscriber was not affected.
  EXPECT_EQ(integer(conn().cmd({"PUBLISH", "other", "still"})), 1);
  EXPECT_EQ(elements(fast->read_reply()), (Strings{"message", "other", "still"}));
}

TEST_P(PubSubTest, SoftLimitNeedsToLastItsSeconds) {
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 1mb 60"})),
            "OK");
  auto sub = connect();
  sub->cmd({"SUBSCRIBE", "flood"});
  const std::string payload(256 * 1024, 'x');
  // Well over the soft limit (and over what the socket buffers take), for less than 60 s.
  for (int i = 0; i < 128; i++) ASSERT_EQ(integer(conn().cmd({"PUBLISH", "flood", payload})), 1);
  EXPECT_EQ(pubsub_clients(), 1);
  // 1 s: the next messages after a second over the limit close it.
  conn().cmd({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 1mb 1"});
  EXPECT_TRUE(eventually([&] {
    conn().cmd({"PUBLISH", "flood", payload});
    return pubsub_clients() == 0;
  }));
}

TEST_P(PubSubTest, NormalClientCutOffByBigReply) {
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"})),
            "OK");
  EXPECT_EQ(str(conn().cmd({"SET", "big", std::string(2 * 1024 * 1024, 'v')})), "OK");
  EXPECT_EQ(str(conn().cmd({"SET", "small", std::string(1000, 'v')})), "OK");
  auto reader = connect();
  EXPECT_EQ(str(reader->cmd({"GET", "small"})).size(), 1000u);
  EXPECT_EQ(reader->cmd({"GET", "big"}), nullptr);  // closed instead of answered
  EXPECT_NE(server().log().find("for overcoming of output buffer limits."), std::string::npos);
  // Within the limit, and without limits, big replies are fine.
  auto other = connect();
  EXPECT_EQ(str(other->cmd({"GET", "small"})).size(), 1000u);
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0"})), "OK");
  EXPECT_EQ(str(other->cmd({"GET", "big"})).size(), 2u * 1024 * 1024);
}

RKV_INSTANTIATE_IO_MODES(PubSubTest);

class PubSubIdleTimeoutTest : public PubSubTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--timeout", "1"}; }
};

TEST_P(PubSubIdleTimeoutTest, SubscribersAreNeverIdle) {
  auto sub = connect(), idle = connect();
  EXPECT_EQ(str(idle->cmd({"PING"})), "PONG");
  sub->cmd({"SUBSCRIBE", "quiet"});
  // timeout 1: the idle normal client goes after a second or two, the subscriber stays.
  EXPECT_TRUE(idle->wait_closed(4000));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto other = connect();
  EXPECT_EQ(integer(other->cmd({"PUBLISH", "quiet", "still here"})), 1);
  EXPECT_EQ(elements(sub->read_reply()), (Strings{"message", "quiet", "still here"}));
}

RKV_INSTANTIATE_IO_MODES(PubSubIdleTimeoutTest);

}  // namespace
}  // namespace rkv::test
