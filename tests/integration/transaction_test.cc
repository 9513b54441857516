// Transactions against the running server: MULTI EXEC DISCARD WATCH UNWATCH, with the
// replies and invalidation rules of Redis 7.0 (checked against redis-server 7.0.15).
// Two connections play the transaction's client (conn()) and "someone else" (other).
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

class TransactionTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--enable-debug-command", "yes"};
  }
  // MULTI, PING, EXEC on c: the EXEC's raw reply ("*-1\r\n" when a WATCH failed it).
  std::string try_exec(Conn& c) {
    EXPECT_EQ(str(c.cmd({"MULTI"})), "OK");
    EXPECT_EQ(str(c.cmd({"PING"})), "QUEUED");
    return c.raw_cmd({"EXEC"});
  }
  static constexpr const char* kRan = "*1\r\n+PONG\r\n";
  static constexpr const char* kAborted = "*-1\r\n";

  // The CLIENT LIST line of the client with this id, asked through `via`.
  std::string client_line(Conn& via, long long id) {
    const std::string list = str(via.cmd({"CLIENT", "LIST"}));
    const size_t pos = list.find("id=" + std::to_string(id) + " ");
    if (pos == std::string::npos) return "";
    return list.substr(pos, list.find('\n', pos) - pos);
  }
  static std::string field(const std::string& line, const std::string& name) {
    const size_t pos = line.find(" " + name + "=");
    if (pos == std::string::npos) return "";
    const size_t start = pos + name.size() + 2;
    return line.substr(start, line.find(' ', start) - start);
  }
};

TEST_P(TransactionTest, QueuedCommandsRunAtExecWithTheirErrorsInTheArray) {
  conn().cmd({"SET", "s", "abc"});
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v"})), "QUEUED");
  EXPECT_EQ(str(conn().cmd({"INCR", "s"})), "QUEUED");
  EXPECT_EQ(str(conn().cmd({"LPUSH", "s", "x"})), "QUEUED");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "QUEUED");
  Conn other(port());
  EXPECT_EQ(str(other.cmd({"GET", "k"})), "<nil>");  // nothing ran yet
  auto r = conn().cmd({"EXEC"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 4u);
  EXPECT_EQ(std::string(r->element[0]->str), "OK");
  EXPECT_EQ(r->element[1]->type, REDIS_REPLY_ERROR);
  EXPECT_EQ(std::string(r->element[1]->str), "ERR value is not an integer or out of range");
  EXPECT_EQ(std::string(r->element[2]->str),
            "WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(std::string(r->element[3]->str), "v");
  EXPECT_EQ(str(conn().cmd({"EXEC"})), "ERR EXEC without MULTI");
  // Errors are counted once, by the command that replied them; EXEC itself did not fail.
  EXPECT_EQ(info_field(conn(), "errorstats", "errorstat_WRONGTYPE"), "count=1");
  const std::string exec_stats = info_field(conn(), "commandstats", "cmdstat_exec");
  EXPECT_NE(exec_stats.find("calls=2,"), std::string::npos) << exec_stats;
  EXPECT_NE(exec_stats.find("failed_calls=1"), std::string::npos) << exec_stats;  // the 2nd
  EXPECT_NE(info_field(conn(), "commandstats", "cmdstat_incr").find("failed_calls=1"),
            std::string::npos);
  EXPECT_EQ(conn().raw_cmd({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), "*0\r\n");
}

TEST_P(TransactionTest, QueuingErrorsMakeExecAbort) {
  const std::string abort = "EXECABORT Transaction discarded because of previous errors.";
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {"NOSUCHCOMMAND", "x"}, {"SET", "k"}, {"CONFIG", "NOSUCH"}, {"SHUTDOWN"}}) {
    EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
    EXPECT_EQ(str(conn().cmd({"SET", "k", "v"})), "QUEUED");
    EXPECT_TRUE(is_error(conn().cmd(bad), "ERR")) << bad[0];
    EXPECT_EQ(str(conn().cmd({"SET", "k2", "v"})), "QUEUED");
    EXPECT_EQ(str(conn().cmd({"EXEC"})), abort) << bad[0];
    EXPECT_EQ(integer(conn().cmd({"EXISTS", "k", "k2"})), 0) << bad[0];
  }
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"SHUTDOWN", "NOSAVE"})),
            "ERR Command not allowed inside a transaction");
  EXPECT_EQ(str(conn().cmd({"EXEC"})), abort);
  EXPECT_EQ(info_field(conn(), "errorstats", "errorstat_EXECABORT"), "count=5");
}

TEST_P(TransactionTest, MisplacedTransactionCommandsAnswerAsRedis) {
  EXPECT_EQ(str(conn().cmd({"EXEC"})), "ERR EXEC without MULTI");
  EXPECT_EQ(str(conn().cmd({"DISCARD"})), "ERR DISCARD without MULTI");
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  // These do not fail the transaction.
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "ERR MULTI calls can not be nested");
  EXPECT_EQ(str(conn().cmd({"WATCH", "x"})), "ERR WATCH inside MULTI is not allowed");
  EXPECT_EQ(str(conn().cmd({"UNWATCH"})), "QUEUED");
  EXPECT_EQ(str(conn().cmd({"SET", "a", "1"})), "QUEUED");
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), "*2\r\n+OK\r\n+OK\r\n");
  // A rejected EXEC ends the transaction, naming the reason without its ERR code.
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"SET", "b", "1"})), "QUEUED");
  EXPECT_EQ(str(conn().cmd({"EXEC", "x"})),
            "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
            "command");
  EXPECT_EQ(str(conn().cmd({"DISCARD"})), "ERR DISCARD without MULTI");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "b"})), 0);
  // DISCARD drops the queue.
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"SET", "c", "1"})), "QUEUED");
  EXPECT_EQ(str(conn().cmd({"DISCARD"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "c"})), 0);
  EXPECT_EQ(str(conn().cmd({"EXEC"})), "ERR EXEC without MULTI");
}

TEST_P(TransactionTest, WatchFailsOnAnotherClientsWrite) {
  Conn other(port());
  conn().cmd({"SET", "x", "1"});
  EXPECT_EQ(str(conn().cmd({"WATCH", "x", "y"})), "OK");
  other.cmd({"SET", "x", "2"});
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"SET", "x", "mine"})), "QUEUED");
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), kAborted);
  EXPECT_EQ(str(conn().cmd({"GET", "x"})), "2");
  // EXEC unwatched everything: the next transaction runs.
  other.cmd({"SET", "x", "3"});
  EXPECT_EQ(try_exec(conn()), kRan);
  // A key created, and a key deleted, count as writes too.
  conn().cmd({"WATCH", "y"});
  other.cmd({"SET", "y", "new"});
  EXPECT_EQ(try_exec(conn()), kAborted);
  conn().cmd({"WATCH", "y"});
  other.cmd({"DEL", "y"});
  EXPECT_EQ(try_exec(conn()), kAborted);
}

TEST_P(TransactionTest, AnyWriteByAnotherClientFailsTheWatch) {
  Conn other(port());
  struct Case {
    std::vector<std::string> setup, write;
    std::string watched = "k";
  };
  const std::vector<Case> cases = {
      {{"SET", "k", "1"}, {"INCR", "k"}},
      {{"SET", "k", "1"}, {"EXPIRE", "k", "100"}},
      {{"RPUSH", "k", "a"}, {"LPUSH", "k", "b"}},
      {{"RPUSH", "k", "a"}, {"RPOP", "k"}},
      {{"HSET", "k", "f", "v"}, {"HINCRBY", "k", "n", "1"}},
      {{"SADD", "k", "a"}, {"SREM", "k", "a"}},
      {{"ZADD", "k", "1", "a"}, {"ZINCRBY", "k", "1", "a"}},
      {{"SET", "src", "1"}, {"RENAME", "src", "k"}},
      {{"SET", "k", "1"}, {"MOVE", "k", "9"}},
      {{"SET", "k", "1"}, {"SETBIT", "k", "0", "1"}},
      {{"PFADD", "k", "a"}, {"PFADD", "k", "b"}},
      {{"SADD", "a", "x"}, {"SUNIONSTORE", "k", "a"}},
  };
  for (const Case& c : cases) {
    other.cmd({"FLUSHALL"});
    other.cmd(c.setup);
    conn().cmd({"WATCH", c.watched});
    other.cmd(c.write);
    EXPECT_EQ(try_exec(conn()), kAborted) << c.write[0];
  }
  // And writes that change nothing leave it alone, as in Redis.
  other.cmd({"SADD", "k", "a"});
  conn().cmd({"WATCH", "k"});
  other.cmd({"SADD", "k", "a"});
  other.cmd({"SREM", "k", "zz"});
  other.cmd({"EXPIRE", "missing", "10"});
  EXPECT_EQ(try_exec(conn()), kRan);
}

TEST_P(TransactionTest, WatchIgnoresOtherKeysAndOtherDbs) {
  Conn other(port());
  conn().cmd({"SET", "x", "1"});
  conn().cmd({"WATCH", "x"});
  other.cmd({"SET", "y", "1"});
  other.cmd({"DEL", "nothing"});
  other.cmd({"SELECT", "3"});
  other.cmd({"SET", "x", "other db"});
  other.cmd({"DEL", "x"});
  EXPECT_EQ(try_exec(conn()), kRan);
  // Watching in db 3 is about db 3's x only.
  conn().cmd({"SELECT", "3"});
  conn().cmd({"WATCH", "x"});
  other.cmd({"SELECT", "0"});
  other.cmd({"SET", "x", "2"});
  EXPECT_EQ(try_exec(conn()), kRan);
  conn().cmd({"WATCH", "x"});
  other.cmd({"SELECT", "3"});
  other.cmd({"SET", "x", "2"});
  EXPECT_EQ(try_exec(conn()), kAborted);
}

TEST_P(TransactionTest, OwnWriteAfterWatchFailsTheTransaction) {
  conn().cmd({"WATCH", "x"});
  conn().cmd({"SET", "x", "1"});
  EXPECT_EQ(try_exec(conn()), kAborted);
}

TEST_P(TransactionTest, UnwatchDiscardAndResetForgetWatches) {
  Conn other(port());
  conn().cmd({"WATCH", "x"});
  other.cmd({"SET", "x", "1"});
  EXPECT_EQ(str(conn().cmd({"UNWATCH"})), "OK");  // clears the failure too
  EXPECT_EQ(try_exec(conn()), kRan);
  conn().cmd({"WATCH", "x"});
  conn().cmd({"MULTI"});
  EXPECT_EQ(str(conn().cmd({"DISCARD"})), "OK");
  other.cmd({"SET", "x", "2"});
  EXPECT_EQ(try_exec(conn()), kRan);
  conn().cmd({"WATCH", "x"});
  other.cmd({"SET", "x", "3"});
  conn().cmd({"MULTI"});
  conn().cmd({"SET", "z", "1"});
  EXPECT_EQ(str(conn().cmd({"RESET"})), "RESET");
  EXPECT_EQ(str(conn().cmd({"EXEC"})), "ERR EXEC without MULTI");
  EXPECT_EQ(try_exec(conn()), kRan);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "z"})), 0);
}

TEST_P(TransactionTest, WatchFailsWhenTheKeyExpires) {
  Conn other(port());
  // Deleted by the active expiry cycle before EXEC.
  conn().cmd({"SET", "x", "v", "PX", "50"});
  conn().cmd({"WATCH", "x"});
  for (int i = 0; i < 300 && integer(other.cmd({"DBSIZE"})) != 0; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(integer(other.cmd({"DBSIZE"})), 0);
  EXPECT_EQ(try_exec(conn()), kAborted);
  // Still in the table at EXEC, logically expired: nobody touched it, EXEC notices.
  EXPECT_EQ(str(conn().cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "0"})), "OK");
  conn().cmd({"SET", "x", "v", "PX", "50"});
  conn().cmd({"WATCH", "x"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(try_exec(conn()), kAborted);
  // Deleted lazily by another client's read.
  conn().cmd({"SET", "x", "v", "PX", "50"});
  conn().cmd({"WATCH", "x"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(str(other.cmd({"GET", "x"})), "<nil>");
  EXPECT_EQ(try_exec(conn()), kAborted);
}

TEST_P(TransactionTest, KeyAlreadyExpiredAtWatchIsWatchedAsAbsent) {
  Conn other(port());
  EXPECT_EQ(str(conn().cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "0"})), "OK");
  auto expired_x = [&] {
    conn().cmd({"SET", "x", "v", "PX", "1"});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    conn().cmd({"WATCH", "x"});
  };
  expired_x();
  EXPECT_EQ(try_exec(conn()), kRan);  // expired before WATCH: no change since
  expired_x();
  EXPECT_EQ(str(other.cmd({"GET", "x"})), "<nil>");  // its deletion is no change either
  EXPECT_EQ(try_exec(conn()), kRan);
  expired_x();
  other.cmd({"DEL", "x"});
  EXPECT_EQ(try_exec(conn()), kRan);
  expired_x();
  other.cmd({"SET", "x", "back"});  // but making it exist again is
  EXPECT_EQ(try_exec(conn()), kAborted);
  expired_x();
  other.cmd({"GET", "x"});
  other.cmd({"SET", "x", "back"});
  EXPECT_EQ(try_exec(conn()), kAborted);
  // Inside the transaction the key reads as missing, and a queued write to it runs.
  expired_x();
  conn().cmd({"MULTI"});
  conn().cmd({"GET", "x"});
  conn().cmd({"SET", "x", "mine"});
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), "*2\r\n$-1\r\n+OK\r\n");
}

TEST_P(TransactionTest, FlushAndSwapdbFailWatchersOfExistingKeys) {
  Conn other(port());
  conn().cmd({"SET", "x", "1"});
  conn().cmd({"WATCH", "x"});
  other.cmd({"FLUSHALL"});
  EXPECT_EQ(try_exec(conn()), kAborted);
  conn().cmd({"SET", "x", "1"});
  conn().cmd({"WATCH", "x"});
  other.cmd({"FLUSHDB"});
  EXPECT_EQ(try_exec(conn()), kAborted);
  // A missing key is not changed by a flush; another db's flush is none of its business.
  conn().cmd({"WATCH", "missing"});
  other.cmd({"FLUSHALL"});
  EXPECT_EQ(try_exec(conn()), kRan);
  conn().cmd({"SET", "x", "1"});
  conn().cmd({"WATCH", "x"});
  other.cmd({"SELECT", "1"});
  other.cmd({"FLUSHDB", "ASYNC"});
  EXPECT_EQ(try_exec(conn()), kRan);
  // SWAPDB: the key present in either db's contents.
  conn().cmd({"WATCH", "x"});
  other.cmd({"SWAPDB", "0", "1"});  // x leaves db 0
  EXPECT_EQ(try_exec(conn()), kAborted);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "x"})), 0);
  conn().cmd({"WATCH", "x"});
  other.cmd({"SWAPDB", "1", "0"});  // x comes back
  EXPECT_EQ(try_exec(conn()), kAborted);
  conn().cmd({"WATCH", "y"});
  other.cmd({"SWAPDB", "0", "1"});  // y in neither
  EXPECT_EQ(try_exec(conn()), kRan);
  conn().cmd({"WATCH", "x"});
  other.cmd({"SWAPDB", "2", "3"});  // not this db
  EXPECT_EQ(try_exec(conn()), kRan);
  conn().cmd({"SELECT", "1"});  // the db x was swapped into: watched there, then swapped out
  conn().cmd({"WATCH", "x"});
  other.cmd({"SWAPDB", "0", "1"});
  EXPECT_EQ(try_exec(conn()), kAborted);
}

TEST_P(TransactionTest, FlushInsideAnotherTransactionFailsWatchers) {
  Conn other(port());
  conn().cmd({"SET", "x", "1"});
  conn().cmd({"WATCH", "x"});
  other.cmd({"MULTI"});
  other.cmd({"FLUSHALL"});
  other.cmd({"SET", "x", "2"});
  EXPECT_EQ(other.raw_cmd({"EXEC"}), "*2\r\n+OK\r\n+OK\r\n");
  EXPECT_EQ(try_exec(conn()), kAborted);
}

TEST_P(TransactionTest, DirtyClientQueuesNothing) {
  Conn other(port());
  const long long id = integer(conn().cmd({"CLIENT", "ID"}));
  conn().cmd({"WATCH", "x"});
  other.cmd({"SET", "x", "1"});
  EXPECT_EQ(field(client_line(other, id), "flags"), "d");
  conn().cmd({"WATCH", "y"});  // a dirty client watches nothing more
  conn().cmd({"MULTI"});
  EXPECT_EQ(str(conn().cmd({"SET", "big", std::string(1000, 'v')})), "QUEUED");
  const std::string line = client_line(other, id);
  EXPECT_EQ(field(line, "flags"), "xd");
  EXPECT_EQ(field(line, "multi"), "0");  // QUEUED, but not kept: it can never run
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), kAborted);
  EXPECT_EQ(field(client_line(other, id), "flags"), "N");
}

TEST_P(TransactionTest, ClientListShowsTheQueueAndItsMemory) {
  Conn other(port());
  const long long id = integer(other.cmd({"CLIENT", "ID"}));
  std::string line = client_line(conn(), id);
  EXPECT_EQ(field(line, "flags"), "N");
  EXPECT_EQ(field(line, "multi"), "-1");
  EXPECT_EQ(field(line, "multi-mem"), "0");
  other.cmd({"MULTI"});
  line = client_line(conn(), id);
  EXPECT_EQ(field(line, "flags"), "x");
  EXPECT_EQ(field(line, "multi"), "0");
  other.cmd({"SET", "k", std::string(5000, 'a')});
  other.cmd({"GET", "k"});
  line = client_line(conn(), id);
  EXPECT_EQ(field(line, "multi"), "2");
  EXPECT_EQ(field(line, "cmd"), "get");
  const long long mem = std::stoll(field(line, "multi-mem"));
  EXPECT_GE(mem, 5000 + 4);  // the queued arguments' bytes are owned and counted
  EXPECT_LT(mem, 5000 + 1000);
  EXPECT_GT(std::stoll(field(line, "tot-mem")), mem);
  // During EXEC the client is still in MULTI (as Redis shows it).
  other.cmd({"CLIENT", "LIST", "ID", std::to_string(id)});
  auto r = other.cmd({"EXEC"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->elements, 3u);
  EXPECT_EQ(r->element[1]->len, 5000u);
  const std::string inside(r->element[2]->str);
  EXPECT_NE(inside.find(" flags=x "), std::string::npos) << inside;
  EXPECT_NE(inside.find(" multi=3 "), std::string::npos) << inside;
  line = client_line(conn(), id);
  EXPECT_EQ(field(line, "flags"), "N");
  EXPECT_EQ(field(line, "multi"), "-1");
  EXPECT_EQ(field(line, "cmd"), "exec");
}

TEST_P(TransactionTest, BlockingCommandsInsideMultiAnswerAtOnce) {
  conn().cmd({"MULTI"});
  for (std::vector<std::string> c :
       std::vector<std::vector<std::string>>{{"BLPOP", "l", "0"},
                                             {"BRPOP", "l", "1"},
                                             {"BLMOVE", "l", "m", "LEFT", "RIGHT", "0"},
                                             {"BRPOPLPUSH", "l", "m", "0"},
                                             {"BLMPOP", "0", "1", "l", "LEFT"},
                                             {"BZPOPMIN", "z", "0"},
                                             {"BZPOPMAX", "z", "0"},
                                             {"BZMPOP", "0", "1", "z", "MIN"},
                                             {"BLPOP", "l", "-1"}})
    EXPECT_EQ(str(conn().cmd(c)), "QUEUED");
  // As Redis 7.0: the empty result at once (a null bulk for the moves), or the error.
  EXPECT_EQ(conn().raw_cmd({"EXEC"}),
            "*9\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n"
            "-ERR timeout is negative\r\n");
  EXPECT_EQ(info_field(conn(), "clients", "blocked_clients"), "0");
  // With data there they serve as usual; outside MULTI they block again.
  conn().cmd({"RPUSH", "l", "a"});
  conn().cmd({"MULTI"});
  conn().cmd({"BLPOP", "l", "0"});
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), "*1\r\n*2\r\n$1\r\nl\r\n$1\r\na\r\n");
  Conn w(port());
  w.send({"BLPOP", "l", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"RPUSH", "l", "b"});
  auto r = w.read_reply();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->elements, 2u);
  EXPECT_EQ(std::string(r->element[1]->str), "b");
}

TEST_P(TransactionTest, WaiterIsServedAfterTheWholeTransaction) {
  Conn w(port());
  w.send({"BLPOP", "l", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"MULTI"});
  conn().cmd({"LPUSH", "l", "a"});
  conn().cmd({"LPUSH", "l", "b"});
  conn().cmd({"LRANGE", "l", "0", "-1"});
  // Inside EXEC the waiter takes nothing: the LRANGE sees both elements.
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), "*3\r\n:1\r\n:2\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n");
  auto r = w.read_reply();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->elements, 2u);
  EXPECT_EQ(std::string(r->element[1]->str), "b");  // the list's head after EXEC
  EXPECT_EQ(str(conn().cmd({"LINDEX", "l", "0"})), "a");
  // A list created and deleted inside one transaction wakes nobody.
  conn().cmd({"DEL", "l"});
  w.send({"BLPOP", "l", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  conn().cmd({"MULTI"});
  conn().cmd({"LPUSH", "l", "x"});
  conn().cmd({"DEL", "l"});
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), "*2\r\n:1\r\n:1\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(info_field(conn(), "clients", "blocked_clients"), "1");
  conn().cmd({"LPUSH", "l", "y"});
  r = w.read_reply();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->elements, 2u);
  EXPECT_EQ(std::string(r->element[1]->str), "y");
}

TEST_P(TransactionTest, PipelinedTransactions) {
  // One write holding two transactions and a command between them.
  conn().send_raw("MULTI\r\nSET a 1\r\nINCR a\r\nEXEC\r\nGET a\r\n" + encode_command({"MULTI"}) +
                  encode_command({"NOSUCH"}) + encode_command({"SET", "a", "9"}) +
                  encode_command({"EXEC"}));
  const std::string want =
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:2\r\n$1\r\n2\r\n+OK\r\n"
      "-ERR unknown command 'NOSUCH', with args beginning with: \r\n+QUEUED\r\n"
      "-EXECABORT Transaction discarded because of previous errors.\r\n";
  EXPECT_EQ(conn().recv_raw(want.size()), want);
  // Many queued commands through hiredis's pipeline.
  conn().append({"MULTI"});
  for (int i = 0; i < 1000; i++) conn().append({"RPUSH", "list", std::to_string(i)});
  conn().append({"EXEC"});
  EXPECT_EQ(str(conn().read_reply()), "OK");
  for (int i = 0; i < 1000; i++) ASSERT_EQ(str(conn().read_reply()), "QUEUED");
  auto r = conn().read_reply();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->elements, 1000u);
  EXPECT_EQ(r->element[999]->integer, 1000);
  EXPECT_EQ(integer(conn().cmd({"LLEN", "list"})), 1000);
}

TEST_P(TransactionTest, Resp3Replies) {
  conn().raw_cmd({"HELLO", "3"});
  conn().cmd({"SET", "x", "1"});
  conn().cmd({"MULTI"});
  conn().cmd({"GET", "nothing"});
  conn().cmd({"HGETALL", "nothing"});
  conn().cmd({"INCR", "x"});
  conn().cmd({"BLMOVE", "l", "m", "LEFT", "LEFT", "0"});
  EXPECT_EQ(conn().raw_cmd({"EXEC"}), "*4\r\n_\r\n%0\r\n:2\r\n_\r\n");
  Conn other(port());
  conn().cmd({"WATCH", "x"});
  other.cmd({"SET", "x", "2"});
  EXPECT_EQ(try_exec(conn()), "_\r\n");
}

TEST_P(TransactionTest, KilledOrDisconnectedClientsLeaveNoWatch) {
  Conn other(port());
  {
    Conn gone(port());
    gone.cmd({"WATCH", "x", "y"});
    gone.cmd({"MULTI"});
    gone.cmd({"SET", "x", "1"});
  }
  Conn victim(port());
  const long long id = integer(victim.cmd({"CLIENT", "ID"}));
  victim.cmd({"WATCH", "x", "z"});
  victim.cmd({"MULTI"});
  victim.cmd({"SET", "x", "1"});
  EXPECT_EQ(integer(other.cmd({"CLIENT", "KILL", "ID", std::to_string(id)})), 1);
  EXPECT_TRUE(victim.wait_closed());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Writes to the keys the freed clients watched find nobody to notify.
  for (const char* k : {"x", "y", "z"}) EXPECT_EQ(str(other.cmd({"SET", k, "v"})), "OK");
  other.cmd({"FLUSHALL"});
  EXPECT_EQ(str(other.cmd({"PING"})), "PONG");
  EXPECT_EQ(str(other.cmd({"GET", "x"})), "<nil>");  // the killed transaction never ran
  conn().cmd({"WATCH", "x"});
  other.cmd({"SET", "x", "2"});
  EXPECT_EQ(try_exec(conn()), kAborted);
}

TEST_P(TransactionTest, ManyWatchersOfOneKey) {
  std::vector<std::unique_ptr<Conn>> watchers;
  for (int i = 0; i < 20; i++) {
    watchers.push_back(std::make_unique<Conn>(port()));
    watchers.back()->cmd({"WATCH", "shared", "own" + std::to_string(i)});
  }
  // The first transaction to run wins; the others see the key changed.
  for (auto& w : watchers) {
    w->cmd({"MULTI"});
    w->cmd({"SET", "shared", std::to_string(&w - &watchers[0])});
  }
  EXPECT_EQ(watchers[7]->raw_cmd({"EXEC"}), "*1\r\n+OK\r\n");
  for (size_t i = 0; i < watchers.size(); i++) {
    if (i != 7) {
      EXPECT_EQ(watchers[i]->raw_cmd({"EXEC"}), kAborted) << i;
    }
  }
  EXPECT_EQ(str(conn().cmd({"GET", "shared"})), "7");
}

TEST_P(TransactionTest, SubscribeInsideMulti) {
  conn().cmd({"MULTI"});
  if (is_error(conn().cmd({"SUBSCRIBE", "ch"}), "ERR unknown command"))
    GTEST_SKIP() << "SUBSCRIBE is not built in this tree";
  conn().cmd({"PING"});
  // As Redis 7.0: SUBSCRIBE runs in the transaction, and the client is subscribed from
  // then on: the PING queued after it already answers in subscriber form.
  EXPECT_EQ(conn().raw_cmd({"EXEC"}),
            "*2\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_EQ(conn().raw_cmd({"MULTI"}),
            "-ERR Can't execute 'multi': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
}

TEST_P(TransactionTest, MessagesPublishedInsideExecInterleaveItsReply) {
  conn().raw_cmd({"HELLO", "3"});
  conn().send_raw(encode_command({"MULTI"}) + encode_command({"SUBSCRIBE", "x"}) +
                  encode_command({"PUBLISH", "x", "hi"}) + encode_command({"PING"}) +
                  encode_command({"EXEC"}));
  // Redis 7.0's bytes: the message push lands inside EXEC's array, before PUBLISH's count.
  const std::string want =
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n>3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n"
      ">3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$2\r\nhi\r\n:1\r\n+PONG\r\n";
  const std::string got = conn().recv_raw(want.size());
  if (got.find("unknown command") != std::string::npos)
    GTEST_SKIP() << "SUBSCRIBE is not built in this tree";
  EXPECT_EQ(got, want);
}

}  // namespace

RKV_INSTANTIATE_IO_MODES(TransactionTest);

}  // namespace rkv::test
