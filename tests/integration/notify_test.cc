// Keyspace notifications against the running server, in every IO mode: keyspace and
// keyevent channels, class filtering, expiry (lazy and active), "new", "keymiss", the
// events of blocked clients served by a push, RESP3 pushes, and the change counter
// (rdb_changes_since_last_save) that goes with each event.
// tools/notify-diff.py compares every command's events with redis-server's; these tests
// cover what needs timing or several clients.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

using Event = std::pair<std::string, std::string>;  // (channel, message)
using Events = std::vector<Event>;

constexpr const char* kSyncChannel = "notify-test-sync";

class NotifyTest : public ServerTest {
 protected:
  // DEBUG SET-ACTIVE-EXPIRE keeps lazy-expiry tests free of the active cycle.
  std::vector<std::string> server_args() const override {
    return {"--enable-debug-command", "yes"};
  }

  // A subscriber to every notification channel and to the sync channel (RESP2).
  std::unique_ptr<Conn> subscriber() {
    auto s = std::make_unique<Conn>(port());
    s->append({"PSUBSCRIBE", "__key*__:*"});
    s->append({"SUBSCRIBE", kSyncChannel});
    EXPECT_EQ(str_at(s->read_reply(), 0), "psubscribe");
    EXPECT_EQ(str_at(s->read_reply(), 0), "subscribe");
    return s;
  }

  void set_events(const std::string& flags) {
    ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", "notify-keyspace-events", flags})), "OK");
  }

  // Everything sub received before a sync message published now: the notifications of
  // the commands run so far, and a proof that nothing else was sent.
  Events drain(Conn& sub) {
    const std::string marker = std::to_string(++sync_);
    EXPECT_EQ(integer(conn().cmd({"PUBLISH", kSyncChannel, marker})), 1);
    return read_until(sub, marker);
  }

  static Events read_until(Conn& sub, const std::string& marker) {
    Events out;
    for (;;) {
      ReplyPtr r = sub.read_reply();
      if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 3) {
        ADD_FAILURE() << "not a message";
        return out;
      }
      if (str_at(r, 0) == "message") {
        if (str_at(r, 2) == marker) return out;
        continue;
      }
      if (str_at(r, 0) == "pmessage" && r->elements == 4)
        out.emplace_back(str_at(r, 2), str_at(r, 3));
    }
  }

  static std::string str_at(const ReplyPtr& r, size_t i) {
    if (!r || r->type != REDIS_REPLY_ARRAY || i >= r->elements) return "<none>";
    const redisReply* e = r->element[i];
    return std::string(e->str ? e->str : "", e->str ? e->len : 0);
  }

  std::string config_value() {
    return str_at(conn().cmd({"CONFIG", "GET", "notify-keyspace-events"}), 1);
  }

  long long dirty() {
    return std::stoll(info_field(conn(), "persistence", "rdb_changes_since_last_save"));
  }

 private:
  int sync_ = 0;
};

Event space(int db, const std::string& key, const std::string& event) {
  return {"__keyspace@" + std::to_string(db) + "__:" + key, event};
}
Event keyevent(int db, const std::string& event, const std::string& key) {
  return {"__keyevent@" + std::to_string(db) + "__:" + event, key};
}

TEST_P(NotifyTest, OffByDefault) {
  auto sub = subscriber();
  EXPECT_EQ(config_value(), "");
  conn().cmd({"SET", "k", "v"});
  conn().cmd({"LPUSH", "l", "a"});
  conn().cmd({"DEL", "k", "l"});
  EXPECT_EQ(drain(*sub), Events{});
}

TEST_P(NotifyTest, KeyspaceAndKeyeventChannels) {
  set_events("KEA");
  auto sub = subscriber();
  conn().cmd({"SET", "k", "v"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "k", "set"), keyevent(0, "set", "k")}));
  conn().cmd({"SELECT", "5"});
  conn().cmd({"RPUSH", "list", "a", "b"});
  conn().cmd({"LPOP", "list", "2"});
  EXPECT_EQ(drain(*sub), (Events{space(5, "list", "rpush"), keyevent(5, "rpush", "list"),
                                 space(5, "list", "lpop"), keyevent(5, "lpop", "list"),
                                 space(5, "list", "del"), keyevent(5, "del", "list")}));
  // Binary-safe key names.
  const std::string bin("a\0b", 3);
  conn().cmd({"SET", bin, "v"});
  EXPECT_EQ(drain(*sub), (Events{space(5, bin, "set"), keyevent(5, "set", bin)}));
  // Two keys, two databases: MOVE reports each side in its own db.
  conn().cmd({"MOVE", bin, "2"});
  EXPECT_EQ(drain(*sub), (Events{space(5, bin, "move_from"), keyevent(5, "move_from", bin),
                                 space(2, bin, "move_to"), keyevent(2, "move_to", bin)}));
}

TEST_P(NotifyTest, ClassFiltering) {
  auto sub = subscriber();
  set_events("Kl");  // keyspace channel, list events only
  conn().cmd({"SET", "s", "v"});
  conn().cmd({"LPUSH", "l", "a"});
  conn().cmd({"EXPIRE", "l", "100"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "l", "lpush")}));
  set_events("Eg$");  // keyevent channel, generic and string events
  conn().cmd({"SET", "s", "v2"});
  conn().cmd({"LPUSH", "l", "b"});
  conn().cmd({"EXPIRE", "l", "100"});
  conn().cmd({"HSET", "h", "f", "v"});
  EXPECT_EQ(drain(*sub), (Events{keyevent(0, "set", "s"), keyevent(0, "expire", "l")}));
  set_events("g");  // a class without K or E publishes nothing
  conn().cmd({"DEL", "s"});
  EXPECT_EQ(drain(*sub), Events{});
  set_events("A");  // neither
  conn().cmd({"DEL", "l"});
  EXPECT_EQ(drain(*sub), Events{});
  // A: every class but n and m.
  set_events("KA");
  EXPECT_EQ(config_value(), "AK");
  conn().cmd({"GET", "missing"});
  conn().cmd({"SET", "fresh", "v"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "fresh", "set")}));
}

TEST_P(NotifyTest, ExpiredLazily) {
  ASSERT_EQ(str(conn().cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "0"})), "OK");
  set_events("KEx");
  auto sub = subscriber();
  conn().cmd({"SET", "k", "v", "PX", "30"});
  conn().cmd({"HSET", "h", "f", "v"});
  conn().cmd({"PEXPIRE", "h", "30"});
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  EXPECT_EQ(drain(*sub), Events{});  // nothing expires until the keys are touched
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "<nil>");
  EXPECT_EQ(drain(*sub), (Events{space(0, "k", "expired"), keyevent(0, "expired", "k")}));
  // A write meets the expired key: expired first, then the write's own event (not in x).
  conn().cmd({"HSET", "h", "g", "w"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "h", "expired"), keyevent(0, "expired", "h")}));
  EXPECT_EQ(info_field(conn(), "stats", "expired_keys"), "2");
}

TEST_P(NotifyTest, ExpiredActively) {
  set_events("Ex");
  auto sub = subscriber();
  conn().cmd({"SELECT", "3"});
  conn().cmd({"SET", "k", "v", "PX", "20"});
  // Nobody touches k: the active cycle (hz 10) expires it and the subscriber hears of it
  // without any further command.
  ReplyPtr r = sub->read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(str_at(r, 0), "pmessage");
  EXPECT_EQ(str_at(r, 2), "__keyevent@3__:expired");
  EXPECT_EQ(str_at(r, 3), "k");
  EXPECT_EQ(drain(*sub), Events{});
}

TEST_P(NotifyTest, NewKeys) {
  set_events("KEn");  // n alone: only "new"
  auto sub = subscriber();
  conn().cmd({"SET", "k", "v"});
  conn().cmd({"SET", "k", "v2"});
  conn().cmd({"LPUSH", "l", "a"});
  conn().cmd({"LPUSH", "l", "b"});
  conn().cmd({"SET", "l", "string now"});  // a type change is no new key
  conn().cmd({"RENAME", "l", "k"});        // RENAME's destination is new even over a key
  EXPECT_EQ(drain(*sub),
            (Events{space(0, "k", "new"), keyevent(0, "new", "k"), space(0, "l", "new"),
                    keyevent(0, "new", "l"), space(0, "k", "new"), keyevent(0, "new", "k")}));
  // n is not part of A.
  set_events("KA");
  conn().cmd({"SET", "k2", "v"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "k2", "set")}));
  // With n and a write class, "new" comes before the write's event.
  set_events(
      "KEA"
      "n");
  conn().cmd({"SADD", "s", "m"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "s", "new"), keyevent(0, "new", "s"),
                                 space(0, "s", "sadd"), keyevent(0, "sadd", "s")}));
}

TEST_P(NotifyTest, KeyMiss) {
  set_events("Km");
  auto sub = subscriber();
  conn().cmd({"SET", "here", "v"});
  conn().cmd({"GET", "missing"});
  conn().cmd({"GET", "here"});
  conn().cmd({"MGET", "here", "m1", "m2"});
  conn().cmd({"EXISTS", "m3"});
  conn().cmd({"OBJECT", "ENCODING", "m4"});  // OBJECT counts the miss but fires nothing
  conn().cmd({"LPUSHX", "m5", "a"});         // nor do writes
  conn().cmd({"DEL", "m6"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "missing", "keymiss"), space(0, "m1", "keymiss"),
                                 space(0, "m2", "keymiss"), space(0, "m3", "keymiss")}));
  // Switched off again: no more misses reported.
  set_events("K$");
  conn().cmd({"GET", "missing"});
  EXPECT_EQ(drain(*sub), Events{});
}

TEST_P(NotifyTest, BlockedClientsServedByAPush) {
  set_events("KEA");
  auto sub = subscriber();
  Conn waiter(port());
  waiter.send({"BLPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"RPUSH", "q", "job"});
  // The push, then the woken client's pop and the delete of the emptied list.
  EXPECT_EQ(drain(*sub),
            (Events{space(0, "q", "rpush"), keyevent(0, "rpush", "q"), space(0, "q", "lpop"),
                    keyevent(0, "lpop", "q"), space(0, "q", "del"), keyevent(0, "del", "q")}));
  ReplyPtr r = waiter.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(str_at(r, 1), "job");

  // BLMOVE: the destination's push, then the source's pop.
  waiter.send({"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"LPUSH", "src", "x", "y"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "src", "lpush"), keyevent(0, "lpush", "src"),
                                 space(0, "dst", "rpush"), keyevent(0, "rpush", "dst"),
                                 space(0, "src", "lpop"), keyevent(0, "lpop", "src")}));
  EXPECT_EQ(str(waiter.read_reply()), "y");

  // A sorted set waiter.
  waiter.send({"BZPOPMIN", "z", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"ZADD", "z", "1", "a"});
  EXPECT_EQ(drain(*sub),
            (Events{space(0, "z", "zadd"), keyevent(0, "zadd", "z"), space(0, "z", "zpopmin"),
                    keyevent(0, "zpopmin", "z"), space(0, "z", "del"), keyevent(0, "del", "z")}));
  EXPECT_EQ(str_at(waiter.read_reply(), 1), "a");
}

TEST_P(NotifyTest, Resp3ClientGetsPushes) {
  set_events("E$");
  Conn sub(port());
  sub.raw_cmd({"HELLO", "3"});
  EXPECT_EQ(sub.raw_cmd({"PSUBSCRIBE", "__keyevent@0__:*"}),
            ">3\r\n$10\r\npsubscribe\r\n$16\r\n__keyevent@0__:*\r\n:1\r\n");
  conn().cmd({"SET", "k", "v"});
  const std::string want =
      ">4\r\n$8\r\npmessage\r\n$16\r\n__keyevent@0__:*\r\n$18\r\n__keyevent@0__:set\r\n"
      "$1\r\nk\r\n";
  EXPECT_EQ(sub.recv_raw(want.size()), want);
  // In RESP3 the subscriber may run commands, its own writes notify it too.
  const std::string own =
      ">4\r\n$8\r\npmessage\r\n$16\r\n__keyevent@0__:*\r\n$21\r\n__keyevent@0__:append\r\n"
      "$1\r\nk\r\n";
  sub.send_raw(encode_command({"APPEND", "k", "w"}));
  EXPECT_EQ(sub.recv_raw(own.size() + 4), own + ":2\r\n");
}

TEST_P(NotifyTest, ChangesAreCounted) {
  // rdb_changes_since_last_save moves as Redis's server.dirty does, notifications or not.
  long long before = dirty();
  conn().cmd({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(dirty() - before, 3);
  before = dirty();
  conn().cmd({"SADD", "s", "a", "a", "b"});
  EXPECT_EQ(dirty() - before, 2);
  before = dirty();
  conn().cmd({"SADD", "s", "a"});
  conn().cmd({"HDEL", "nohash", "f"});
  conn().cmd({"SET", "k", "v", "NX"});
  conn().cmd({"SET", "k", "v", "NX"});
  EXPECT_EQ(dirty() - before, 1);
  before = dirty();
  conn().cmd({"MSET", "a", "1", "b", "2"});
  conn().cmd({"EXPIRE", "a", "100"});
  conn().cmd({"PERSIST", "a"});
  conn().cmd({"PERSIST", "a"});
  EXPECT_EQ(dirty() - before, 4);
}

TEST_P(NotifyTest, NewHookAndBlockedClientsShareTheSwitch) {
  // The key-added hook serves both "new" and blocked clients: switching n off while a
  // client waits must not leave it waiting forever, nor the reverse.
  Conn waiter(port());
  waiter.send({"BLPOP", "l", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  set_events("KEn");
  set_events("");
  conn().cmd({"RPUSH", "l", "a"});
  EXPECT_EQ(str_at(waiter.read_reply(), 1), "a");
  set_events("En");
  auto sub = subscriber();
  waiter.send({"BLPOP", "l2", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"RPUSH", "l2", "b"});
  EXPECT_EQ(str_at(waiter.read_reply(), 1), "b");
  ASSERT_TRUE(wait_blocked_clients(conn(), 0));
  conn().cmd({"SET", "k", "v"});  // no waiter left, n still on
  EXPECT_EQ(drain(*sub), (Events{keyevent(0, "new", "l2"), keyevent(0, "new", "k")}));
}

RKV_INSTANTIATE_IO_MODES(NotifyTest);

// notify-keyspace-events given at start-up (as from redis.conf) applies without a
// CONFIG SET, hooks included.
class NotifyFromConfigTest : public NotifyTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--enable-debug-command", "yes", "--notify-keyspace-events", "KEmn"};
  }
};

TEST_P(NotifyFromConfigTest, StartUpValueApplies) {
  EXPECT_EQ(config_value(), "nKEm");
  auto sub = subscriber();
  conn().cmd({"GET", "missing"});
  conn().cmd({"SET", "k", "v"});
  EXPECT_EQ(drain(*sub), (Events{space(0, "missing", "keymiss"), keyevent(0, "keymiss", "missing"),
                                 space(0, "k", "new"), keyevent(0, "new", "k")}));
}

RKV_INSTANTIATE_IO_MODES(NotifyFromConfigTest);

}  // namespace
}  // namespace rkv::test
