// Blocking commands against the running server: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP
// BZPOPMIN BZPOPMAX BZMPOP. A blocked client is one Conn that sent its command with
// send()s its command and reads the reply later; another Conn does the pushes.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

using Clock = std::chrono::steady_clock;

class BlockingTest : public ServerTest {
 protected:
  std::vector<std::string> strings(const ReplyPtr& r) {
    std::vector<std::string> out;
    if (!r || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i < r->elements; i++) out.emplace_back(r->element[i]->str);
    return out;
  }
};

TEST_P(BlockingTest, ServesAtOnceWhenDataIsThere) {
  conn().cmd({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(strings(conn().cmd({"BLPOP", "missing", "l", "0"})),
            (std::vector<std::string>{"l", "a"}));
  EXPECT_EQ(strings(conn().cmd({"BRPOP", "l", "0"})), (std::vector<std::string>{"l", "b"}));
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "l"})), 0);
  conn().cmd({"ZADD", "z", "1", "one", "2", "two"});
  EXPECT_EQ(strings(conn().cmd({"BZPOPMAX", "z", "0"})),
            (std::vector<std::string>{"z", "two", "2"}));
  EXPECT_EQ(info_field(conn(), "clients", "blocked_clients"), "0");
}

TEST_P(BlockingTest, PushWakesTheBlockedClient) {
  Conn waiter(port());
  waiter.send({"BLPOP", "q1", "q2", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  EXPECT_EQ(integer(conn().cmd({"RPUSH", "q2", "x", "y"})), 2);
  EXPECT_EQ(strings(waiter.read_reply()), (std::vector<std::string>{"q2", "x"}));
  EXPECT_EQ(integer(conn().cmd({"LLEN", "q2"})), 1);
  EXPECT_EQ(info_field(conn(), "clients", "blocked_clients"), "0");
}

TEST_P(BlockingTest, WaitersAreServedFirstComeFirstServed) {
  Conn w1(port()), w2(port()), w3(port());
  w1.send({"BRPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  w2.send({"BRPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 2));
  w3.send({"BRPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 3));
  // One push of two elements serves the first two waiters, in the order they blocked.
  EXPECT_EQ(integer(conn().cmd({"LPUSH", "q", "first", "second"})), 2);
  EXPECT_EQ(strings(w1.read_reply()), (std::vector<std::string>{"q", "first"}));
  EXPECT_EQ(strings(w2.read_reply()), (std::vector<std::string>{"q", "second"}));
  ASSERT_TRUE(wait_blocked_clients(
      conn(), 1));  // the third keeps waiting, still first in line for the next push
  conn().cmd({"RPUSH", "q", "third"});
  EXPECT_EQ(strings(w3.read_reply()), (std::vector<std::string>{"q", "third"}));
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "q"})), 0);
}

TEST_P(BlockingTest, TimeoutAnswersNullAndFractionsWork) {
  auto t0 = Clock::now();
  auto r = conn().cmd({"BLPOP", "nothing", "0.1"});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, REDIS_REPLY_NIL);
  EXPECT_GE(ms, 90);
  EXPECT_LT(ms, 2000);
  // Every blocking command times out with a null array, BRPOPLPUSH too (as Redis 7.0;
  // hiredis shows both nulls as nil, so the raw bytes are compared).
  EXPECT_EQ(conn().raw_cmd({"BRPOPLPUSH", "nothing", "dst", "0.01"}), "*-1\r\n");
  EXPECT_EQ(conn().raw_cmd({"BZPOPMIN", "nothing", "0.01"}), "*-1\r\n");
  EXPECT_EQ(conn().raw_cmd({"BLMPOP", "0.01", "1", "nothing", "LEFT"}), "*-1\r\n");
}

TEST_P(BlockingTest, TimeoutErrors) {
  EXPECT_EQ(str(conn().cmd({"BLPOP", "k", "abc"})), "ERR timeout is not a float or out of range");
  EXPECT_EQ(str(conn().cmd({"BLPOP", "k", "-1"})), "ERR timeout is negative");
  EXPECT_EQ(str(conn().cmd({"BZPOPMIN", "k", "inf"})), "ERR timeout is negative");
  EXPECT_EQ(str(conn().cmd({"BLMOVE", "a", "b", "UP", "LEFT", "0"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"BLMPOP", "0", "0", "k", "LEFT"})),
            "ERR numkeys should be greater than 0");
  conn().cmd({"SET", "s", "v"});
  EXPECT_TRUE(is_error(conn().cmd({"BLPOP", "s", "0"}), "WRONGTYPE"));
  EXPECT_TRUE(is_error(conn().cmd({"BZPOPMIN", "s", "0"}), "WRONGTYPE"));
  EXPECT_EQ(info_field(conn(), "clients", "blocked_clients"), "0");
}

TEST_P(BlockingTest, BlmoveWakesAndChainsToOtherWaiters) {
  Conn mover(port()), tail(port());
  mover.send({"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  tail.send({"BLPOP", "dst", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 2));
  conn().cmd({"RPUSH", "src", "job"});
  // The move creates dst, which wakes the BLPOP in turn.
  EXPECT_EQ(str(mover.read_reply()), "job");
  EXPECT_EQ(strings(tail.read_reply()), (std::vector<std::string>{"dst", "job"}));
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "src", "dst"})), 0);
}

TEST_P(BlockingTest, ZsetWaitersIgnoreListsAndWakeOnZadd) {
  Conn w(port());
  w.send({"BZPOPMIN", "k", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"RPUSH", "k", "x"});  // a list under the key: not what BZPOPMIN waits for
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(info_field(conn(), "clients", "blocked_clients"), "1");
  conn().cmd({"DEL", "k"});
  conn().cmd({"ZADD", "k", "5", "m"});
  EXPECT_EQ(strings(w.read_reply()), (std::vector<std::string>{"k", "m", "5"}));
  Conn w2(port());
  w2.send({"BZMPOP", "0", "2", "a", "b", "MAX", "COUNT", "5"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"ZADD", "b", "1", "x", "2", "y"});
  auto r = w2.read_reply();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 2u);
  EXPECT_EQ(std::string(r->element[0]->str), "b");
  EXPECT_EQ(r->element[1]->elements, 2u);
}

TEST_P(BlockingTest, PipelinedCommandsWaitBehindTheBlockedOne) {
  Conn w(port());
  w.append({"BLPOP", "q", "0"});
  w.append({"SET", "after", "1"});
  w.send({"GET", "after"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "after"})), 0);  // not run while blocked
  conn().cmd({"RPUSH", "q", "v"});
  EXPECT_EQ(strings(w.read_reply()), (std::vector<std::string>{"q", "v"}));
  EXPECT_EQ(str(w.read_reply()), "OK");
  EXPECT_EQ(str(w.read_reply()), "1");
}

TEST_P(BlockingTest, DisconnectedWaiterLeavesNoTrace) {
  {
    Conn gone(port());
    gone.send({"BLPOP", "q", "0"});
    ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  }
  ASSERT_TRUE(wait_blocked_clients(conn(), 0));
  Conn w(port());
  w.send({"BLPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"RPUSH", "q", "v"});
  EXPECT_EQ(strings(w.read_reply()), (std::vector<std::string>{"q", "v"}));
}

TEST_P(BlockingTest, ClientUnblockAndClientList) {
  Conn w(port());
  const long long id = integer(w.cmd({"CLIENT", "ID"}));
  w.send({"BLPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  auto list = str(conn().cmd({"CLIENT", "LIST"}));
  EXPECT_NE(list.find("id=" + std::to_string(id) + " "), std::string::npos);
  EXPECT_NE(list.find("flags=b"), std::string::npos);
  EXPECT_EQ(integer(conn().cmd({"CLIENT", "UNBLOCK", std::to_string(id)})), 1);
  auto r = w.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, REDIS_REPLY_NIL);
  EXPECT_EQ(integer(conn().cmd({"CLIENT", "UNBLOCK", std::to_string(id)})), 0);
  w.send({"BLPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  EXPECT_EQ(integer(conn().cmd({"CLIENT", "UNBLOCK", std::to_string(id), "ERROR"})), 1);
  EXPECT_EQ(str(w.read_reply()), "UNBLOCKED client unblocked via CLIENT UNBLOCK");
}

TEST_P(BlockingTest, ManyWaitersWithTimeoutsAllAnswer) {
  std::vector<std::unique_ptr<Conn>> waiters;
  for (int i = 0; i < 50; i++) {
    waiters.push_back(std::make_unique<Conn>(port()));
    waiters.back()->send({"BLPOP", "k" + std::to_string(i % 5), i % 2 ? "0.05" : "0"});
  }
  ASSERT_TRUE(wait_blocked_clients(conn(), 50));
  for (int i = 0; i < 5; i++)
    conn().cmd(
        {"RPUSH", "k" + std::to_string(i), "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  int served = 0, timed_out = 0;
  for (auto& w : waiters) {
    auto r = w->read_reply();
    ASSERT_TRUE(r);
    if (r->type == REDIS_REPLY_NIL)
      timed_out++;
    else if (r->type == REDIS_REPLY_ARRAY)
      served++;
  }
  EXPECT_EQ(served + timed_out, 50);
  EXPECT_GE(served, 25);  // every waiter without a timeout got an element
  EXPECT_EQ(info_field(conn(), "clients", "blocked_clients"), "0");
  EXPECT_EQ(info_field(conn(), "clients", "clients_in_timeout_table"), "0");
}

TEST_P(BlockingTest, SortStoreAndRenameWakeWaiters) {
  Conn w1(port()), w2(port());
  w1.send({"BLPOP", "sorted", "0"});
  w2.send({"BRPOP", "renamed", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 2));
  conn().cmd({"SADD", "nums", "3", "1", "2"});
  EXPECT_EQ(integer(conn().cmd({"SORT", "nums", "STORE", "sorted"})), 3);
  EXPECT_EQ(strings(w1.read_reply()), (std::vector<std::string>{"sorted", "1"}));
  conn().cmd({"RENAME", "sorted", "renamed"});
  EXPECT_EQ(strings(w2.read_reply()), (std::vector<std::string>{"renamed", "3"}));
}

RKV_INSTANTIATE_IO_MODES(BlockingTest);

// The idle-client timeout does not apply to a blocked client (as Redis).
class BlockingIdleTimeoutTest : public BlockingTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--timeout", "1"}; }
};

TEST_P(BlockingIdleTimeoutTest, BlockedClientOutlivesTheIdleTimeout) {
  Conn w(port());
  w.send({"BLPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  Conn pusher(port());  // conn() sat idle through the sleep and has been closed
  EXPECT_EQ(integer(pusher.cmd({"RPUSH", "q", "late"})), 1);
  EXPECT_EQ(strings(w.read_reply()), (std::vector<std::string>{"q", "late"}));
}

RKV_INSTANTIATE_IO_MODES(BlockingIdleTimeoutTest);

}  // namespace
}  // namespace rkv::test
