// Lua scripting against the running server, in every IO mode: EVAL/EVALSHA/SCRIPT, the
// conversions both ways (RESP2 through hiredis, RESP3 as raw bytes), errors, the sandbox,
// a real-world script set run with EVALSHA (rate limiters, a lock, a job queue), scripts
// waking blocked clients, and busy scripts: BUSY replies, SCRIPT KILL, UNKILLABLE,
// SHUTDOWN NOSAVE, with a second client.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

using Clock = std::chrono::steady_clock;

// What busy scripts loop on: no writes (SCRIPT KILL may stop them), no end.
constexpr const char* kSpin = "local i = 0 while true do i = i + 1 end";

class ScriptingTest : public ServerTest {
 protected:
  std::vector<std::string> strings(const ReplyPtr& r) {
    std::vector<std::string> out;
    if (!r || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i < r->elements; i++) out.push_back(str_of(r->element[i]));
    return out;
  }
  static std::string str_of(const redisReply* e) {
    if (e->type == REDIS_REPLY_INTEGER) return std::to_string(e->integer);
    if (e->type == REDIS_REPLY_NIL) return "<nil>";
    return std::string(e->str, e->len);
  }
  std::string load(const std::string& body) { return str(conn().cmd({"SCRIPT", "LOAD", body})); }
  // Polls with PING on c until the server answers BUSY (a script passed the threshold).
  bool wait_busy(Conn& c) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      if (is_error(c.cmd({"PING"}), "BUSY")) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  void set_threshold_ms(int ms) {
    ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", "busy-reply-threshold", std::to_string(ms)})), "OK");
  }
};

TEST_P(ScriptingTest, EvalEvalshaAndTheScriptCache) {
  EXPECT_EQ(integer(conn().cmd({"EVAL", "return 1 + 1", "0"})), 2);
  const std::string sha = load("return {KEYS[1], ARGV[1]}");
  ASSERT_EQ(sha.size(), 40u);
  EXPECT_EQ(strings(conn().cmd({"EVALSHA", sha, "1", "k", "a"})),
            (std::vector<std::string>{"k", "a"}));
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(strings(conn().cmd({"EVALSHA", upper, "1", "x"})), (std::vector<std::string>{"x"}));
  EXPECT_EQ(strings(conn().cmd({"EVALSHA_RO", sha, "1", "k"})), (std::vector<std::string>{"k"}));
  auto exists = conn().cmd({"SCRIPT", "EXISTS", sha, upper, "nope"});
  EXPECT_EQ(strings(exists), (std::vector<std::string>{"1", "1", "0"}));
  // EVAL caches its body too: the same SHA-1 then works with EVALSHA.
  conn().cmd({"EVAL", "return 'via eval'", "0"});
  const std::string eval_sha =
      str(conn().cmd({"EVAL", "return redis.sha1hex('return \\'via eval\\'')", "0"}));
  EXPECT_EQ(str(conn().cmd({"EVALSHA", eval_sha, "0"})), "via eval");
  EXPECT_EQ(str(conn().cmd({"SCRIPT", "FLUSH"})), "OK");
  EXPECT_EQ(str(conn().cmd({"EVALSHA", sha, "0"})),
            "NOSCRIPT No matching script. Please use EVAL.");
  EXPECT_EQ(strings(conn().cmd({"SCRIPT", "EXISTS", sha})), (std::vector<std::string>{"0"}));
  EXPECT_EQ(str(conn().cmd({"EVAL", "return 1", "2", "a"})),
            "ERR Number of keys can't be greater than number of args");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return 1", "-1"})), "ERR Number of keys can't be negative");
}

TEST_P(ScriptingTest, LuaValuesToResp2) {
  auto r = conn().cmd({"EVAL", "return {1, 'two', {3}, true, false, 4.9, {ok='fine'}}", "0"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 7u);
  EXPECT_EQ(r->element[0]->integer, 1);
  EXPECT_EQ(str_of(r->element[1]), "two");
  EXPECT_EQ(r->element[2]->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(r->element[3]->integer, 1);
  EXPECT_EQ(r->element[4]->type, REDIS_REPLY_NIL);
  EXPECT_EQ(r->element[5]->integer, 4);
  EXPECT_EQ(r->element[6]->type, REDIS_REPLY_STATUS);
  EXPECT_EQ(strings(conn().cmd({"EVAL", "return {1, 2, nil, 4}", "0"})),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_TRUE(is_error(conn().cmd({"EVAL", "return {err='MY error'}", "0"}), "MY error"));
  EXPECT_EQ(conn().cmd({"EVAL", "return nil", "0"})->type, REDIS_REPLY_NIL);
  // A map and a set fall back to flat arrays for a RESP2 caller.
  EXPECT_EQ(strings(conn().cmd({"EVAL", "return {map={a='b'}}", "0"})),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return {double=2.5}", "0"}), "$3\r\n2.5\r\n");
}

TEST_P(ScriptingTest, RepliesToLuaAndBack) {
  conn().cmd({"RPUSH", "l", "a", "b"});
  conn().cmd({"HSET", "h", "f", "v"});
  conn().cmd({"SET", "s", "x"});
  EXPECT_EQ(str(conn().cmd({"EVAL", "return type(redis.call('get', 'missing'))", "0"})), "boolean");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.call('set', 'k', 'v').ok", "0"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"EVAL", "return #redis.call('lrange', 'l', 0, -1)", "0"})), 2);
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.pcall('incr', 's').err", "0"})),
            "ERR value is not an integer or out of range");
  // RESP3 inside the script: maps, doubles and nulls keep their types.
  EXPECT_EQ(
      str(conn().cmd({"EVAL", "redis.setresp(3) return redis.call('hgetall', 'h').map.f", "0"})),
      "v");
  conn().cmd({"ZADD", "z", "1.5", "m"});
  EXPECT_EQ(str(conn().cmd(
                {"EVAL", "redis.setresp(3) return tostring(redis.call('zscore', 'z', 'm').double)",
                 "0"})),
            "1.5");
  EXPECT_EQ(integer(conn().cmd(
                {"EVAL", "redis.setresp(3) return redis.call('get', 'missing') == nil", "0"})),
            1);
}

TEST_P(ScriptingTest, Resp3Caller) {
  conn().raw_cmd({"HELLO", "3"});
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return {map={a=1}}", "0"}), "%1\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return {set={a=true}}", "0"}), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return {double=3.5}", "0"}), ",3.5\r\n");
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return {big_number='123'}", "0"}), "(123\r\n");
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return {verbatim_string={format='txt', string='x'}}", "0"}),
            "=5\r\ntxt:x\r\n");
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return false", "0"}), "_\r\n");
  EXPECT_EQ(conn().raw_cmd({"EVAL", "redis.setresp(3) return {true, false}", "0"}),
            "*2\r\n#t\r\n#f\r\n");
  conn().raw_cmd({"HSET", "h", "f", "v"});
  EXPECT_EQ(conn().raw_cmd({"EVAL", "redis.setresp(3) return redis.call('hgetall', 'h')", "0"}),
            "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
  // Without setresp(3) the script sees RESP2 replies: the map came back as an array.
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return redis.call('hgetall', 'h')", "0"}),
            "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
}

TEST_P(ScriptingTest, ErrorsNameTheScriptAndLine) {
  conn().cmd({"SET", "s", "abc"});
  const std::string body = "local x = 1\nreturn redis.call('incr', 's')";
  const std::string sha = load(body);
  EXPECT_EQ(str(conn().cmd({"EVALSHA", sha, "0"})),
            "ERR value is not an integer or out of range script: " + sha + ", on @user_script:2.");
  const std::string boom = load("error('boom')");
  EXPECT_EQ(str(conn().cmd({"EVALSHA", boom, "0"})),
            "ERR user_script:1: boom script: " + boom + ", on @user_script:1.");
  EXPECT_EQ(
      str(conn().cmd({"EVAL", "return syntax error", "0"})),
      "ERR Error compiling script (new function): user_script:1: '<eof>' expected near 'error'");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.call('nosuch')", "0"})).substr(0, 44),
            "ERR Unknown Redis command called from script");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.call('blpop', 'q', 0)", "0"})).substr(0, 45),
            "ERR This Redis command is not allowed from sc");
  EXPECT_EQ(str(conn().cmd({"EVAL_RO", "return redis.call('set', 'a', 'b')", "0"})).substr(0, 59),
            "ERR Write commands are not allowed from read-only scripts. ");
  EXPECT_EQ(str(conn().cmd({"EVAL", "#!lua flags=no-writes\nreturn redis.call('del', 'a')", "0"}))
                .substr(0, 58),
            "ERR Write commands are not allowed from read-only scripts.");
  EXPECT_EQ(str(conn().cmd({"EVAL_RO", "#!lua\nreturn 1", "0"})),
            "ERR Can not execute a script with write flag using *_ro command.");
  EXPECT_EQ(str(conn().cmd({"EVAL", "#!lua flags=bad\nreturn 1", "0"})),
            "ERR Unexpected flag in script shebang: bad");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.error_reply('MY thing')", "0"})), "MY thing");
  // The server is fine afterwards.
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
}

TEST_P(ScriptingTest, ErrorsAreCountedOnceAsRedisDoes) {
  conn().cmd({"SET", "s", "abc"});
  conn().cmd({"CONFIG", "RESETSTAT"});
  EXPECT_TRUE(is_error(conn().cmd({"EVAL", "return redis.call('incr', 's')", "0"})));
  EXPECT_EQ(info_field(conn(), "errorstats", "errorstat_ERR"), "count=1");
  const std::string stats = str(conn().cmd({"INFO", "commandstats"}));
  EXPECT_NE(stats.find("cmdstat_incr:calls=1,"), std::string::npos) << stats;
  EXPECT_NE(stats.find("failed_calls=1"), std::string::npos) << stats;
  // A caught error still counts for the command, not for EVAL.
  conn().cmd({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(integer(conn().cmd({"EVAL", "redis.pcall('incr', 's') return 1", "0"})), 1);
  EXPECT_EQ(info_field(conn(), "errorstats", "errorstat_ERR"), "count=1");
  const std::string after = str(conn().cmd({"INFO", "commandstats"}));
  EXPECT_NE(after.find("rejected_calls=0,failed_calls=0"), std::string::npos) << after;
}

TEST_P(ScriptingTest, Sandbox) {
  EXPECT_EQ(str(conn().cmd({"EVAL", "x = 1", "0"})).substr(0, 53),
            "ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return x", "0"})).substr(0, 79),
            "ERR user_script:1: Script attempted to access nonexistent global variable 'x' s");
  for (const char* global : {"os", "io", "loadfile", "dofile", "require", "print", "debug"}) {
    EXPECT_TRUE(is_error(conn().cmd({"EVAL", std::string("return type(") + global + ")", "0"}),
                         "ERR user_script:1: Script attempted to access nonexistent global"))
        << global;
  }
  EXPECT_TRUE(is_error(conn().cmd({"EVAL", "redis.call = nil", "0"}),
                       "ERR user_script:1: Attempt to modify a readonly table"));
  EXPECT_TRUE(is_error(conn().cmd({"EVAL", "string.upper = string.lower", "0"}),
                       "ERR user_script:1: Attempt to modify a readonly table"));
  EXPECT_TRUE(is_error(conn().cmd({"EVAL", "rawset(_G, 'x', 1)", "0"}),
                       "ERR Attempt to modify a readonly table"));
  // Nothing leaked into the next script.
  EXPECT_EQ(str(conn().cmd({"EVAL", "return string.upper('a') .. type(redis.call)", "0"})),
            "Afunction");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return cjson.encode({a={1,2}})", "0"})), "{\"a\":[1,2]}");
  EXPECT_EQ(integer(conn().cmd({"EVAL", "return bit.bxor(5, 3)", "0"})), 6);
}

TEST_P(ScriptingTest, MathRandomFollowsRedisSequenceFromStart) {
  // A fresh server: the first draws are those of a fresh redis-server 7.0.
  const char* body = "return {math.random(100), tostring(math.random()), math.random(5, 10)}";
  EXPECT_EQ(strings(conn().cmd({"EVAL", body, "0"})),
            (std::vector<std::string>{"40", "0.84048536971234", "7"}));
  // Not reset between scripts; math.randomseed reseeds for those that follow.
  EXPECT_EQ(
      strings(conn().cmd({"EVAL", "return {math.random(100), tostring(math.random())}", "0"})),
      (std::vector<std::string>{"45", "0.31869277233197"}));
  EXPECT_EQ(strings(conn().cmd({"EVAL",
                                "math.randomseed(7) return {math.random(100), "
                                "tostring(math.random())}",
                                "0"})),
            (std::vector<std::string>{"27", "0.68203523041775"}));
}

TEST_P(ScriptingTest, SelectInsideAScriptStaysInTheScript) {
  conn().cmd({"SET", "k", "db0"});
  EXPECT_EQ(str(conn().cmd({"EVAL",
                            "redis.call('select', 3) redis.call('set', 'k', 'db3') return "
                            "redis.call('get', 'k')",
                            "0"})),
            "db3");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "db0");
  conn().cmd({"SELECT", "3"});
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.call('get', 'k')", "0"})), "db3");
}

TEST_P(ScriptingTest, BlockingCommandsInsideAScriptAnswerAtOnce) {
  const auto t0 = Clock::now();
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return redis.call('blmpop', 0, 1, 'q', 'left')", "0"}),
            "$-1\r\n");
  EXPECT_EQ(conn().raw_cmd({"EVAL", "return redis.call('bzmpop', 0, 1, 'z', 'min')", "0"}),
            "$-1\r\n");
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(info_field(conn(), "clients", "blocked_clients"), "0");
}

TEST_P(ScriptingTest, ScriptWritesWakeBlockedClientsAfterTheScript) {
  Conn waiter(port());
  waiter.send({"BLPOP", "q", "0"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  // Inside the script the pushed element is still there: the waiter is served after it.
  EXPECT_EQ(integer(conn().cmd({"EVAL",
                                "redis.call('rpush', KEYS[1], 'a', 'b') return redis.call('llen', "
                                "KEYS[1])",
                                "1", "q"})),
            2);
  EXPECT_EQ(strings(waiter.read_reply()), (std::vector<std::string>{"q", "a"}));
  EXPECT_EQ(integer(conn().cmd({"LLEN", "q"})), 1);
}

TEST_P(ScriptingTest, KeyspaceNotificationsComeFromTheScriptsCommands) {
  Conn sub(port());
  auto r = sub.cmd({"SUBSCRIBE", "__keyevent@0__:set"});
  if (is_error(r, "ERR unknown command")) GTEST_SKIP() << "SUBSCRIBE is not in this build";
  ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", "notify-keyspace-events", "E$"})), "OK");
  conn().cmd({"EVAL", "redis.call('set', KEYS[1], 'v') return 1", "1", "notified"});
  auto msg = sub.read_reply();
  EXPECT_EQ(strings(msg), (std::vector<std::string>{"message", "__keyevent@0__:set", "notified"}));
}

TEST_P(ScriptingTest, InfoReportsTheEngine) {
  EXPECT_GT(std::stoll(info_field(conn(), "memory", "used_memory_lua")), 0);
  EXPECT_EQ(info_field(conn(), "memory", "used_memory_lua"),
            info_field(conn(), "memory", "used_memory_vm_eval"));
  EXPECT_EQ(info_field(conn(), "memory", "number_of_cached_scripts"), "0");
  EXPECT_EQ(info_field(conn(), "memory", "used_memory_scripts_eval"), "0");
  // Redis 7.0 keeps every EVAL script until SCRIPT FLUSH.
  for (int i = 0; i < 200; i++) conn().cmd({"EVAL", "return " + std::to_string(i), "0"});
  load("return 'loaded'");
  EXPECT_EQ(info_field(conn(), "memory", "number_of_cached_scripts"), "201");
  EXPECT_GT(std::stoll(info_field(conn(), "memory", "used_memory_scripts_eval")), 201 * 40);
  const long long vm = std::stoll(info_field(conn(), "memory", "used_memory_vm_eval"));
  EXPECT_EQ(str(conn().cmd({"SCRIPT", "FLUSH", "ASYNC"})), "OK");
  EXPECT_EQ(info_field(conn(), "memory", "number_of_cached_scripts"), "0");
  EXPECT_EQ(info_field(conn(), "memory", "used_memory_scripts_eval"), "0");
  EXPECT_LT(std::stoll(info_field(conn(), "memory", "used_memory_vm_eval")), vm);
}

// --- a real-world script set, run with EVALSHA ---

// Fixed window: INCR, and EXPIRE on the first hit. Returns {allowed, count}.
constexpr const char* kFixedWindow = R"(
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then return {0, count} end
return {1, count})";

// Sliding window on a sorted set of request times (ms, from ARGV: scripts read no clock).
constexpr const char* kSlidingWindow = R"(
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local used = redis.call('ZCARD', key)
if used >= limit then return 0 end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return 1)";

constexpr const char* kLockRelease = R"(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0)";

// Job queue: pending (list) -> processing (list) + inflight (zset of deadlines).
constexpr const char* kEnqueue = R"(
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return redis.call('LPUSH', KEYS[1], ARGV[1]))";
constexpr const char* kClaim = R"(
local id = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
if not id then return false end
redis.call('ZADD', KEYS[3], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
return {id, redis.call('HGET', KEYS[4], id)})";
constexpr const char* kAck = R"(
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return removed)";
constexpr const char* kRequeueExpired = R"(
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
for _, id in ipairs(ids) do
  redis.call('LREM', KEYS[2], 1, id)
  redis.call('ZREM', KEYS[3], id)
  redis.call('RPUSH', KEYS[1], id)
end
return #ids)";

TEST_P(ScriptingTest, RateLimiters) {
  const std::string fixed = load(kFixedWindow);
  for (int i = 1; i <= 5; i++)
    EXPECT_EQ(strings(conn().cmd({"EVALSHA", fixed, "1", "rl:user1", "3", "60"})),
              (std::vector<std::string>{i <= 3 ? "1" : "0", std::to_string(i)}));
  const long long ttl = integer(conn().cmd({"TTL", "rl:user1"}));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 60);

  const std::string sliding = load(kSlidingWindow);
  auto hit = [&](long long now, const std::string& id) {
    return integer(
        conn().cmd({"EVALSHA", sliding, "1", "sw:user1", std::to_string(now), "1000", "2", id}));
  };
  EXPECT_EQ(hit(10000, "r1"), 1);
  EXPECT_EQ(hit(10100, "r2"), 1);
  EXPECT_EQ(hit(10200, "r3"), 0);  // two in the last second already
  EXPECT_EQ(hit(11050, "r4"), 1);  // r1 left the window
  EXPECT_EQ(integer(conn().cmd({"ZCARD", "sw:user1"})), 2);
  EXPECT_GT(integer(conn().cmd({"PTTL", "sw:user1"})), 0);
}

TEST_P(ScriptingTest, LockWithTokenRelease) {
  const std::string release = load(kLockRelease);
  EXPECT_EQ(str(conn().cmd({"SET", "lock:res", "token-a", "NX", "PX", "30000"})), "OK");
  Conn other(port());
  EXPECT_EQ(other.cmd({"SET", "lock:res", "token-b", "NX", "PX", "30000"})->type, REDIS_REPLY_NIL);
  // Only the holder's token releases it.
  EXPECT_EQ(integer(other.cmd({"EVALSHA", release, "1", "lock:res", "token-b"})), 0);
  EXPECT_EQ(str(conn().cmd({"GET", "lock:res"})), "token-a");
  EXPECT_EQ(integer(conn().cmd({"EVALSHA", release, "1", "lock:res", "token-a"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "lock:res"})), 0);
  EXPECT_EQ(str(other.cmd({"SET", "lock:res", "token-b", "NX", "PX", "30000"})), "OK");
}

TEST_P(ScriptingTest, JobQueue) {
  const std::string enqueue = load(kEnqueue), claim = load(kClaim), ack = load(kAck),
                    requeue = load(kRequeueExpired);
  const std::vector<std::string> keys = {"q:pending", "q:processing", "q:inflight", "q:jobs"};
  for (int i = 1; i <= 3; i++)
    EXPECT_EQ(integer(conn().cmd({"EVALSHA", enqueue, "2", "q:pending", "q:jobs",
                                  "job" + std::to_string(i), "payload" + std::to_string(i)})),
              i);
  auto claim_at = [&](long long now) {
    return conn().cmd(
        {"EVALSHA", claim, "4", keys[0], keys[1], keys[2], keys[3], std::to_string(now), "1000"});
  };
  EXPECT_EQ(strings(claim_at(100)), (std::vector<std::string>{"job1", "payload1"}));
  EXPECT_EQ(strings(claim_at(200)), (std::vector<std::string>{"job2", "payload2"}));
  EXPECT_EQ(integer(conn().cmd({"EVALSHA", ack, "3", keys[1], keys[2], keys[3], "job1"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EVALSHA", ack, "3", keys[1], keys[2], keys[3], "job1"})), 0);
  // job2's deadline (1200) passes: it goes back to the front of the line.
  EXPECT_EQ(integer(conn().cmd({"EVALSHA", requeue, "3", keys[0], keys[1], keys[2], "1500"})), 1);
  EXPECT_EQ(strings(conn().cmd({"LRANGE", "q:pending", "0", "-1"})),
            (std::vector<std::string>{"job3", "job2"}));
  EXPECT_EQ(integer(conn().cmd({"ZCARD", "q:inflight"})), 0);
  EXPECT_EQ(strings(claim_at(2000)), (std::vector<std::string>{"job2", "payload2"}));
  EXPECT_EQ(strings(claim_at(2000)), (std::vector<std::string>{"job3", "payload3"}));
  EXPECT_EQ(claim_at(2000)->type, REDIS_REPLY_NIL);
  EXPECT_EQ(strings(conn().cmd({"ZRANGE", "q:inflight", "0", "-1", "WITHSCORES"})),
            (std::vector<std::string>{"job2", "3000", "job3", "3000"}));
}

// --- busy scripts ---

TEST_P(ScriptingTest, BusyScriptIsKilledWhileOthersGetBusy) {
  set_threshold_ms(100);
  Conn runner(port());
  runner.send({"EVAL", kSpin, "0"});
  Conn other(port());
  ASSERT_TRUE(wait_busy(other));
  EXPECT_EQ(
      str(other.cmd({"GET", "k"})),
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
  EXPECT_TRUE(is_error(other.cmd({"EVAL", "return 1", "0"}), "BUSY"));
  EXPECT_TRUE(is_error(other.cmd({"SHUTDOWN"}), "BUSY"));
  // A client connecting meanwhile is answered too.
  Conn late(port());
  EXPECT_TRUE(is_error(late.cmd({"PING"}), "BUSY"));
  EXPECT_EQ(str(other.cmd({"SCRIPT", "KILL"})), "OK");
  EXPECT_EQ(str(runner.read_reply()),
            "ERR Script killed by user with SCRIPT KILL... script: "
            "3fcf51a9b854b8f66cb8685600b0d7df968f4398, on @user_script:1.");
  EXPECT_EQ(str(other.cmd({"PING"})), "PONG");
  EXPECT_EQ(str(other.cmd({"SCRIPT", "KILL"})), "NOTBUSY No scripts in execution right now.");
  EXPECT_EQ(str(runner.cmd({"PING"})), "PONG");
  EXPECT_NE(server().log().find("Slow script detected"), std::string::npos);
}

TEST_P(ScriptingTest, BlockedClientsTimeOutOnlyAfterTheBusyScript) {
  // Redis runs no timers while a script is busy: a BLPOP whose timeout passes meanwhile
  // is answered once the script has ended.
  set_threshold_ms(100);
  Conn waiter(port());
  waiter.send({"BLPOP", "q", "0.3"});
  ASSERT_TRUE(wait_blocked_clients(conn(), 1));
  Conn runner(port());
  runner.send({"EVAL", kSpin, "0"});
  Conn other(port());
  ASSERT_TRUE(wait_busy(other));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  char buf[64];
  EXPECT_EQ(waiter.recv_before(Clock::now() + std::chrono::milliseconds(50), buf, sizeof(buf)), -1)
      << "the timeout fired while the script was busy";
  EXPECT_EQ(str(other.cmd({"SCRIPT", "KILL"})), "OK");
  EXPECT_TRUE(is_error(runner.read_reply(), "ERR Script killed"));
  auto r = waiter.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, REDIS_REPLY_NIL);
}

TEST_P(ScriptingTest, BusyRefusalsInsideMultiFailTheTransaction) {
  set_threshold_ms(100);
  Conn runner(port());
  runner.send({"EVAL", kSpin, "0"});
  Conn other(port());
  ASSERT_TRUE(wait_busy(other));
  const std::string busy =
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
  EXPECT_EQ(str(other.cmd({"MULTI"})), "OK");  // allow-busy
  EXPECT_EQ(str(other.cmd({"GET", "x"})), busy);
  EXPECT_EQ(str(other.cmd({"AUTH", "foo"})), "QUEUED");  // allow-busy commands are queued
  EXPECT_EQ(str(other.cmd({"EXEC"})), "EXECABORT Transaction discarded because of: " + busy);
  EXPECT_EQ(str(other.cmd({"SCRIPT", "KILL"})), "OK");
  EXPECT_TRUE(is_error(runner.read_reply(), "ERR Script killed"));
  EXPECT_EQ(str(other.cmd({"DISCARD"})), "ERR DISCARD without MULTI");
}

TEST_P(ScriptingTest, EvalInsideMulti) {
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.call('incr', KEYS[1])", "1", "m"})), "QUEUED");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.call('blmpop', 0, 1, 'q', 'left')", "0"})),
            "QUEUED");
  auto r = conn().cmd({"EXEC"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 2u);
  EXPECT_EQ(r->element[0]->integer, 1);
  EXPECT_EQ(r->element[1]->type, REDIS_REPLY_NIL);
}

TEST_P(ScriptingTest, OutOfMemoryScriptsFollowTheirDeclaredFlags) {
  conn().cmd({"FUNCTION", "LOAD",
              "#!lua name=oom\nredis.register_function{function_name='grow', callback="
              "function(keys) return redis.call('set', keys[1], 'v') end, flags={'allow-oom'}}"});
  ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", "maxmemory", "1"})), "OK");
  const std::string oom = "OOM command not allowed when used memory > 'maxmemory'.";
  // No shebang: the script runs, its first write is refused.
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.call('set', 'a', 'b')", "0"})).substr(0, 62),
            oom + " script");
  EXPECT_EQ(conn().cmd({"EVAL", "return redis.call('get', 'a')", "0"})->type, REDIS_REPLY_NIL);
  // A shebang without allow-oom or no-writes: refused before it runs.
  EXPECT_EQ(str(conn().cmd({"EVAL", "#!lua\nreturn 1", "0"})), oom);
  EXPECT_EQ(
      str(conn().cmd({"EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'a', 'b')", "0"})),
      "OK");
  EXPECT_EQ(str(conn().cmd({"EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'a')", "0"})),
            "b");
  EXPECT_EQ(str(conn().cmd({"FCALL", "grow", "1", "k"})), "OK");
  ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", "maxmemory", "0"})), "OK");
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.call('set', 'a', 'c')", "0"})), "OK");
}

TEST_P(ScriptingTest, PcallCannotSwallowTheKill) {
  set_threshold_ms(100);
  Conn runner(port());
  runner.send({"EVAL",
               "while true do pcall(function() local i = 0 while true do i = i + 1 end end) end",
               "0"});
  Conn other(port());
  ASSERT_TRUE(wait_busy(other));
  EXPECT_EQ(str(other.cmd({"SCRIPT", "KILL"})), "OK");
  EXPECT_TRUE(is_error(runner.read_reply(), "ERR Script killed by user with SCRIPT KILL..."));
  EXPECT_EQ(str(other.cmd({"PING"})), "PONG");
}

TEST_P(ScriptingTest, TheCallersPipelineResumesAfterTheScript) {
  set_threshold_ms(100);
  Conn runner(port());
  runner.append({"EVAL", kSpin, "0"});
  runner.append({"SET", "after", "1"});
  runner.send({"GET", "after"});
  Conn other(port());
  ASSERT_TRUE(wait_busy(other));
  EXPECT_EQ(str(other.cmd({"SCRIPT", "KILL"})), "OK");
  EXPECT_TRUE(is_error(runner.read_reply(), "ERR Script killed"));
  EXPECT_EQ(str(runner.read_reply()), "OK");
  EXPECT_EQ(str(runner.read_reply()), "1");
}

TEST_P(ScriptingTest, AScriptThatWroteIsUnkillableButShutdownNosaveStopsIt) {
  std::vector<std::string> args = GetParam().args;
  args.insert(args.end(), {"--busy-reply-threshold", "100"});
  ServerProcess srv(args);
  Conn runner(srv.port());
  runner.send({"EVAL", std::string("redis.call('set', 'w', 1) ") + kSpin, "0"});
  Conn other(srv.port());
  ASSERT_TRUE(wait_busy(other));
  EXPECT_TRUE(is_error(other.cmd({"SCRIPT", "KILL"}),
                       "UNKILLABLE Sorry the script already executed write commands"));
  EXPECT_TRUE(is_error(other.cmd({"SHUTDOWN"}), "BUSY"));
  EXPECT_TRUE(is_error(other.cmd({"SHUTDOWN", "SAVE"}), "BUSY"));
  other.send_raw(encode_command({"SHUTDOWN", "NOSAVE"}));
  EXPECT_TRUE(other.wait_closed(5000));
  EXPECT_TRUE(runner.wait_closed(5000));  // no reply for the script, as Redis
  const int status = srv.wait_exit(10000);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << srv.log();
}

TEST_P(ScriptingTest, NoBusyStateBelowTheThreshold) {
  // A script shorter than the threshold never yields: others simply wait for it.
  Conn runner(port());
  runner.send({"EVAL", "local t = 0 for i = 1, 3000000 do t = t + i end return 1", "0"});
  Conn other(port());
  EXPECT_EQ(str(other.cmd({"PING"})), "PONG");
  EXPECT_EQ(integer(runner.read_reply()), 1);
}

// --- functions ---

constexpr const char* kRateLibrary = R"(#!lua name=ratelimit
local function window(keys, args)
  local count = redis.call('INCR', keys[1])
  if count == 1 then redis.call('EXPIRE', keys[1], args[2]) end
  return count <= tonumber(args[1]) and 1 or 0
end
redis.register_function('rl_hit', window)
redis.register_function{function_name='rl_peek', flags={'no-writes'},
  callback=function(keys) return tonumber(redis.call('GET', keys[1]) or '0') end,
  description='Current count'})";

TEST_P(ScriptingTest, FunctionLibraryLifecycle) {
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "LOAD", kRateLibrary})), "ratelimit");
  for (int i = 1; i <= 3; i++)
    EXPECT_EQ(integer(conn().cmd({"FCALL", "rl_hit", "1", "rl:f", "2", "60"})), i <= 2 ? 1 : 0);
  EXPECT_EQ(integer(conn().cmd({"FCALL_RO", "rl_peek", "1", "rl:f"})), 3);
  EXPECT_TRUE(is_error(conn().cmd({"FCALL_RO", "rl_hit", "1", "rl:f", "2", "60"}),
                       "ERR Can not execute a script with write flag using *_ro command."));
  const std::string second =
      "#!lua name=second\nredis.register_function('double', function(k, a) return a[1] * 2 end)";
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "LOAD", second})), "second");
  EXPECT_EQ(integer(conn().cmd({"FCALL", "DOUBLE", "0", "21"})), 42);  // names ignore case
  EXPECT_EQ(info_field(conn(), "memory", "number_of_libraries"), "2");
  EXPECT_EQ(info_field(conn(), "memory", "number_of_functions"), "3");
  EXPECT_GT(std::stoll(info_field(conn(), "memory", "used_memory_vm_functions")), 0);
  EXPECT_GT(std::stoll(info_field(conn(), "memory", "used_memory_functions")), 0);

  // DUMP, FLUSH, RESTORE: the same functions come back.
  auto dump = conn().cmd({"FUNCTION", "DUMP"});
  ASSERT_EQ(dump->type, REDIS_REPLY_STRING);
  const std::string payload(dump->str, dump->len);
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "FLUSH"})), "OK");
  EXPECT_EQ(str(conn().cmd({"FCALL", "double", "0", "1"})), "ERR Function not found");
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "RESTORE", payload})), "OK");
  EXPECT_EQ(integer(conn().cmd({"FCALL", "double", "0", "4"})), 8);
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "RESTORE", payload})),
            "ERR Library ratelimit already exists");
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "RESTORE", payload, "REPLACE"})), "OK");
  std::string corrupt = payload;
  corrupt[corrupt.size() - 1] ^= 1;
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "RESTORE", corrupt})),
            "ERR DUMP payload version or checksum are wrong");
  auto listed = conn().cmd({"FUNCTION", "LIST", "LIBRARYNAME", "rate*", "WITHCODE"});
  ASSERT_EQ(listed->elements, 1u);
  EXPECT_EQ(str_of(listed->element[0]->element[7]), kRateLibrary);
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "DELETE", "ratelimit"})), "OK");
  EXPECT_EQ(info_field(conn(), "memory", "number_of_functions"), "1");
}

TEST_P(ScriptingTest, FunctionErrorsNameTheFunction) {
  conn().cmd({"FUNCTION", "LOAD",
              "#!lua name=errs\nredis.register_function('fails', function(keys)\n"
              "  return redis.call('incr', keys[1])\nend)"});
  conn().cmd({"SET", "s", "abc"});
  EXPECT_EQ(str(conn().cmd({"FCALL", "fails", "1", "s"})),
            "ERR value is not an integer or out of range script: fails, on @user_function:3.");
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "LOAD", "#!lua name=bad\nredis.call('ping')"})),
            "ERR Error registering functions: ERR user_function:2: Script attempted to access "
            "nonexistent global variable 'call'");
  // A load that never ends is stopped after 500 ms, and nothing of it is kept.
  const auto t0 = Clock::now();
  EXPECT_EQ(str(conn().cmd({"FUNCTION", "LOAD",
                            "#!lua name=slow\nredis.register_function('s', function() end)\n"
                            "while true do end"})),
            "ERR Error registering functions: ERR FUNCTION LOAD timeout");
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(str(conn().cmd({"FCALL", "s", "0"})), "ERR Function not found");
}

TEST_P(ScriptingTest, BusyFunctionAndFunctionKill) {
  set_threshold_ms(100);
  conn().cmd({"FUNCTION", "LOAD",
              "#!lua name=spinlib\nredis.register_function('spin', function(keys, args)\n"
              "  local i = 0\n  while true do i = i + 1 end\nend)"});
  Conn runner(port());
  runner.send({"FCALL", "spin", "1", "k", "a"});
  Conn other(port());
  ASSERT_TRUE(wait_busy(other));
  EXPECT_EQ(str(other.cmd({"GET", "k"})),
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN "
            "NOSAVE.");
  auto stats = other.cmd({"FUNCTION", "STATS"});
  ASSERT_EQ(stats->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(stats->element[1]->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(str_of(stats->element[1]->element[1]), "spin");
  std::vector<std::string> command;
  for (size_t i = 0; i < stats->element[1]->element[3]->elements; i++)
    command.push_back(str_of(stats->element[1]->element[3]->element[i]));
  EXPECT_EQ(command, (std::vector<std::string>{"FCALL", "spin", "1", "k", "a"}));
  EXPECT_TRUE(is_error(other.cmd({"SCRIPT", "KILL"}), "BUSY"));
  EXPECT_EQ(str(other.cmd({"FUNCTION", "KILL"})), "OK");
  EXPECT_EQ(str(runner.read_reply()),
            "ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:4.");
  EXPECT_EQ(str(other.cmd({"PING"})), "PONG");

  // And the other way round: FUNCTION KILL and FUNCTION STATS refuse a busy EVAL.
  runner.send({"EVAL", kSpin, "0"});
  ASSERT_TRUE(wait_busy(other));
  EXPECT_TRUE(is_error(other.cmd({"FUNCTION", "KILL"}),
                       "BUSY Redis is busy running a script. You can only call SCRIPT KILL"));
  EXPECT_TRUE(is_error(other.cmd({"FUNCTION", "STATS"}), "BUSY"));
  EXPECT_EQ(str(other.cmd({"SCRIPT", "KILL"})), "OK");
  EXPECT_TRUE(is_error(runner.read_reply(), "ERR Script killed"));
}

RKV_INSTANTIATE_IO_MODES(ScriptingTest);

}  // namespace
}  // namespace rkv::test
