// maxmemory against the running server, in every IO mode: memory held near the limit,
// each policy's choice of victims (volatile-* only among keys with a TTL, LRU keeping a
// hot set better than random, LFU counting accesses, volatile-ttl shortest first), the
// OOM refusals of noeviction (reads and deletes still served), lazy eviction, the
// time-limited pass finished by the loop, runtime policy switches, and the evicted
// notification. The memory figures need jemalloc's counters: in sanitizer builds (no
// jemalloc) these tests are skipped with that reason. Deterministic replies (error texts,
// CONFIG values) are byte-compared with redis-server in tests/compat/eviction.txt.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";

class EvictionTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!allocator_reports_memory(conn()))
      GTEST_SKIP() << "the allocator reports no memory figures (sanitizer build, no jemalloc): "
                      "used_memory is 0 and nothing can be evicted";
  }
  long long used_memory() { return std::stoll(info_field(conn(), "memory", "used_memory")); }
  long long stat(const std::string& name) { return std::stoll(info_field(conn(), "stats", name)); }
  void config(const std::string& name, const std::string& value) {
    ASSERT_EQ(str(conn().cmd({"CONFIG", "SET", name, value})), "OK") << name;
  }
  // SETs key prefix+i for i in [from, to), pipelined, with an optional TTL in seconds.
  // Returns how many were refused with OOM (any other error fails the test).
  int fill(const std::string& prefix, int from, int to, size_t value_bytes = 100,
           long long ttl_s = 0) {
    const std::string value(value_bytes, 'v');
    int oom = 0;
    constexpr int kBatch = 500;
    for (int start = from; start < to; start += kBatch) {
      const int end = std::min(to, start + kBatch);
      for (int i = start; i < end; i++) {
        std::vector<std::string> args = {"SET", prefix + std::to_string(i), value};
        if (ttl_s > 0) {
          args.push_back("EX");
          args.push_back(std::to_string(ttl_s));
        }
        conn().append(args);
      }
      for (int i = start; i < end; i++) {
        auto r = conn().read_reply();
        if (is_error(r, "OOM")) {
          EXPECT_EQ(str(r), kOom);
          oom++;
        } else {
          EXPECT_EQ(str(r), "OK");
        }
      }
    }
    return oom;
  }
  bool exists(const std::string& key) { return integer(conn().cmd({"EXISTS", key})) == 1; }
  // How many of prefix+i, i in [from, to), still exist.
  int surviving(const std::string& prefix, int from, int to) {
    for (int i = from; i < to; i++) conn().append({"EXISTS", prefix + std::to_string(i)});
    int n = 0;
    for (int i = from; i < to; i++) n += static_cast<int>(integer(conn().read_reply()));
    return n;
  }
  // Sets maxmemory to what is in use now plus `headroom` bytes; returns the limit.
  long long limit_at_used_plus(long long headroom) {
    const long long limit = used_memory() + headroom;
    config("maxmemory", std::to_string(limit));
    return limit;
  }
};

// Pipelining makes one read bring many commands; each is checked on its own, so memory
// can pass the limit by at most what one command and the client buffers add.
constexpr long long kSlack = 256 * 1024;

TEST_P(EvictionTest, AllkeysLruHoldsMemoryNearTheLimit) {
  config("maxmemory-policy", "allkeys-lru");
  const long long limit = limit_at_used_plus(2 << 20);
  EXPECT_EQ(fill("key:", 0, 60000), 0);  // ~9 MB of keys into 2 MB: no write refused
  EXPECT_LE(used_memory(), limit + kSlack);
  EXPECT_GT(used_memory(), limit / 2);  // evicts what it must, not everything
  const long long evicted = stat("evicted_keys");
  const long long keys = integer(conn().cmd({"DBSIZE"}));
  EXPECT_GT(evicted, 30000);
  EXPECT_EQ(keys + evicted, 60000);
  EXPECT_EQ(info_field(conn(), "memory", "maxmemory"), std::to_string(limit));
  EXPECT_EQ(info_field(conn(), "memory", "maxmemory_policy"), "allkeys-lru");
  EXPECT_EQ(info_field(conn(), "memory", "mem_not_counted_for_evict"), "0");
  // CONFIG RESETSTAT zeroes the eviction counters, as Redis's resetServerStats.
  conn().cmd({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(stat("evicted_keys"), 0);
  EXPECT_EQ(stat("total_eviction_exceeded_time"), 0);
}

TEST_P(EvictionTest, EveryPolicyEvictsAcrossDatabases) {
  // Keys in two databases; every evicting policy frees memory from both.
  for (std::string policy : {"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
                             "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    SCOPED_TRACE(policy);
    config("maxmemory", "0");
    conn().cmd({"FLUSHALL"});
    config("maxmemory-policy", policy);
    const long long before = stat("evicted_keys");
    const long long limit = limit_at_used_plus(1 << 20);
    conn().cmd({"SELECT", "1"});
    EXPECT_EQ(fill("one:", 0, 10000, 100, 1000), 0);
    const long long db1_before = integer(conn().cmd({"DBSIZE"}));
    conn().cmd({"SELECT", "0"});
    // Writing to db 0 takes keys from db 1 too: the choice is across databases.
    EXPECT_EQ(fill("zero:", 0, 10000, 100, 1000), 0);
    EXPECT_LE(used_memory(), limit + kSlack);
    EXPECT_GT(stat("evicted_keys") - before, 5000);
    EXPECT_LT(integer(conn().cmd({"DBSIZE"})), 10000);
    conn().cmd({"SELECT", "1"});
    EXPECT_LT(integer(conn().cmd({"DBSIZE"})), db1_before);
    conn().cmd({"SELECT", "0"});
  }
}

TEST_P(EvictionTest, VolatilePoliciesEvictOnlyKeysWithTtlThenRefuse) {
  for (std::string policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    SCOPED_TRACE(policy);
    config("maxmemory", "0");
    conn().cmd({"FLUSHALL"});
    config("maxmemory-policy", policy);
    EXPECT_EQ(fill("p:", 0, 2000), 0);
    const long long limit = limit_at_used_plus(1 << 20);
    EXPECT_EQ(fill("v:", 0, 20000, 100, 10000), 0);
    EXPECT_LE(used_memory(), limit + kSlack);
    EXPECT_EQ(surviving("p:", 0, 2000), 2000);  // no persistent key was touched
    EXPECT_LT(surviving("v:", 0, 20000), 20000);
    // Persistent keys only from here: the volatile ones go until none is left, then
    // writes are refused while reads and deletes go on.
    const int refused = fill("q:", 0, 30000);
    EXPECT_GT(refused, 0);
    EXPECT_EQ(surviving("v:", 0, 20000), 0);
    EXPECT_EQ(surviving("p:", 0, 2000), 2000);
    EXPECT_EQ(str(conn().cmd({"GET", "p:1"})), std::string(100, 'v'));
    EXPECT_EQ(integer(conn().cmd({"DEL", "p:1"})), 1);
  }
  EXPECT_NE(info_field(conn(), "errorstats", "errorstat_OOM"), "");
}

TEST_P(EvictionTest, NoevictionRefusesGrowingCommandsButServesReadsAndDeletes) {
  conn().cmd({"SET", "k", "v"});
  conn().cmd({"RPUSH", "list", "a"});
  config("maxmemory", "1");  // far below what the server itself uses
  EXPECT_EQ(str(conn().cmd({"SET", "k2", "v"})), kOom);
  EXPECT_EQ(str(conn().cmd({"INCR", "n"})), kOom);
  EXPECT_EQ(str(conn().cmd({"RPUSH", "list", "b"})), kOom);
  EXPECT_EQ(str(conn().cmd({"APPEND", "k", "x"})), kOom);
  // Reads, deletes and other commands that do not grow memory run.
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "v");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "k"})), 1);
  EXPECT_EQ(str(conn().cmd({"LPOP", "list"})), "a");
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "100"})), 1);
  EXPECT_EQ(integer(conn().cmd({"DEL", "k"})), 1);
  EXPECT_EQ(str(conn().cmd({"PING"})), "PONG");
  EXPECT_EQ(stat("evicted_keys"), 0);
  // Refusals count as rejected calls and OOM errors; the time over the limit is measured.
  EXPECT_NE(info_field(conn(), "commandstats", "cmdstat_set").find("rejected_calls=1,"),
            std::string::npos);
  EXPECT_EQ(info_field(conn(), "errorstats", "errorstat_OOM"), "count=4");
  usleep(20'000);
  EXPECT_GE(stat("current_eviction_exceeded_time"), 10);
  EXPECT_GE(stat("total_eviction_exceeded_time"), stat("current_eviction_exceeded_time"));
  config("maxmemory", "0");
  EXPECT_EQ(str(conn().cmd({"SET", "k2", "v"})), "OK");
  EXPECT_EQ(stat("current_eviction_exceeded_time"), 0);
  EXPECT_GE(stat("total_eviction_exceeded_time"), 10);
}

TEST_P(EvictionTest, AllkeysPolicyEmptiesTheKeyspaceThenRefuses) {
  config("maxmemory-policy", "allkeys-random");
  // No time budget: a slow (sanitizer) build would otherwise leave the rest to the timer.
  config("maxmemory-eviction-tenacity", "100");
  EXPECT_EQ(fill("k:", 0, 1000), 0);
  config("maxmemory", "1");  // CONFIG SET itself evicts at once, as in Redis
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), 0);
  EXPECT_EQ(stat("evicted_keys"), 1000);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v"})), kOom);
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "<nil>");
}

// Redis's LRU is approximated by sampling; with a hot set read after a pause, LRU must
// keep it far better than random eviction does (expected: ~all vs ~half). The margins are
// wide so the test does not flake.
TEST_P(EvictionTest, AllkeysLruKeepsAHotSetBetterThanRandom) {
  auto hot_survival = [&](const std::string& policy) {
    config("maxmemory", "0");
    conn().cmd({"FLUSHALL"});
    config("maxmemory-policy", policy);
    EXPECT_EQ(fill("k:", 0, 5000, 200), 0);
    // The LRU clock has one-second steps: let the cold keys age past one.
    usleep(1'100'000);
    for (int round = 0; round < 3; round++)
      for (int i = 0; i < 500; i += 1) conn().append({"GET", "k:" + std::to_string(i)});
    for (int i = 0; i < 1500; i++) conn().read_reply();
    // Room for nothing more: writing 2500 new keys evicts about half the old ones.
    limit_at_used_plus(0);
    EXPECT_EQ(fill("new:", 0, 2500, 200), 0);
    EXPECT_GT(stat("evicted_keys"), 1500);
    return surviving("k:", 0, 500) / 500.0;
  };
  const double lru = hot_survival("allkeys-lru");
  const double random = hot_survival("allkeys-random");
  EXPECT_GE(lru, 0.9) << "random: " << random;
  EXPECT_LE(random, 0.8) << "lru: " << lru;
}

TEST_P(EvictionTest, LfuCountsAccessesAndKeepsFrequentKeys) {
  EXPECT_EQ(str(conn().cmd({"OBJECT", "FREQ", "nosuch"})), "<nil>");
  config("maxmemory-policy", "allkeys-lfu");
  conn().cmd({"SET", "k", "v"});
  EXPECT_EQ(integer(conn().cmd({"OBJECT", "FREQ", "k"})), 5);  // new keys start at 5
  for (int i = 0; i < 300; i++) conn().append({"GET", "k"});
  for (int i = 0; i < 300; i++) conn().read_reply();
  const long long freq = integer(conn().cmd({"OBJECT", "FREQ", "k"}));
  EXPECT_GT(freq, 7);  // log factor 10: about 11 after 300 hits
  EXPECT_LT(freq, 20);
  // Looking at it is not an access.
  EXPECT_EQ(integer(conn().cmd({"OBJECT", "FREQ", "k"})), freq);
  // RENAME and MOVE carry the counter (Redis moves the object itself); COPY starts anew.
  conn().cmd({"RENAME", "k", "renamed"});
  EXPECT_GE(integer(conn().cmd({"OBJECT", "FREQ", "renamed"})), freq);
  EXPECT_EQ(integer(conn().cmd({"COPY", "renamed", "copied"})), 1);
  EXPECT_EQ(integer(conn().cmd({"OBJECT", "FREQ", "copied"})), 5);
  EXPECT_EQ(integer(conn().cmd({"MOVE", "renamed", "1"})), 1);
  conn().cmd({"SELECT", "1"});
  EXPECT_GE(integer(conn().cmd({"OBJECT", "FREQ", "renamed"})), freq);
  conn().cmd({"SELECT", "0"});
  // A hot set, read 30 times each, outlives new keys that push the cold ones out.
  EXPECT_EQ(fill("k:", 0, 5000, 200), 0);
  for (int i = 0; i < 500; i++)
    for (int round = 0; round < 30; round++) conn().append({"GET", "k:" + std::to_string(i)});
  for (int i = 0; i < 500 * 30; i++) conn().read_reply();
  limit_at_used_plus(0);
  EXPECT_EQ(fill("new:", 0, 2500, 200), 0);
  EXPECT_GE(surviving("k:", 0, 500), 450);
  EXPECT_GT(stat("evicted_keys"), 1500);
}

TEST_P(EvictionTest, VolatileTtlEvictsTheShortestTtlsFirst) {
  config("maxmemory-policy", "volatile-ttl");
  // TTLs from 1000 s up, one second apart: key i expires i seconds after key 0.
  constexpr int kKeys = 4000;
  for (int i = 0; i < kKeys; i++)
    conn().append(
        {"SET", "t:" + std::to_string(i), std::string(200, 'v'), "EX", std::to_string(1000 + i)});
  for (int i = 0; i < kKeys; i++) conn().read_reply();
  limit_at_used_plus(0);
  EXPECT_EQ(fill("p:", 0, 4000, 100), 0);  // persistent: frees about half the volatile ones
  const long long evicted = stat("evicted_keys");
  EXPECT_GT(evicted, 1000);
  EXPECT_LT(evicted, kKeys);
  const int low = surviving("t:", 0, kKeys / 4);
  const int high = surviving("t:", kKeys * 3 / 4, kKeys);
  // Sampling is approximate: a key never sampled is never evicted (each is sampled about
  // three times here), so a few of the soonest quarter stay. redis-server 7.0 keeps about
  // 4% of it in this very test, and all of the latest quarter; so do we.
  EXPECT_GE(high, kKeys / 4 * 95 / 100) << "low quarter kept " << low;
  EXPECT_LE(low, kKeys / 4 * 15 / 100) << "high quarter kept " << high;
}

TEST_P(EvictionTest, LazyEvictionFreesBigValuesOnTheWorker) {
  config("maxmemory-policy", "allkeys-lru");
  config("lazyfree-lazy-eviction", "yes");
  const long long limit = limit_at_used_plus(4 << 20);
  // Hashes of 600 fields (a hash table, past hash-max-listpack-entries 512): above the
  // lazy-free threshold (64 elements), so they are freed off-thread. An eviction pass
  // counts only what is freed during it, so it may run ahead of the worker, evict more than
  // needed, and even refuse a write when nothing is left to evict before the worker caught
  // up: redis-server 7.0 does the same (measured: 20 of these 300 HSETs refused there).
  int refused = 0;
  for (int k = 0; k < 300; k++) {
    std::vector<std::string> args = {"HSET", "h:" + std::to_string(k)};
    for (int f = 0; f < 600; f++) {
      args.push_back("field:" + std::to_string(f));
      args.push_back(std::string(20, 'x'));
    }
    auto r = conn().cmd(args);
    if (is_error(r, "OOM"))
      refused++;
    else
      EXPECT_EQ(integer(r), 600) << str(r);
  }
  EXPECT_LT(refused, 150);
  EXPECT_GT(stat("evicted_keys"), 50);
  // The worker frees in the background: memory settles under the limit.
  long long used = used_memory();
  for (int i = 0; i < 100 && used > limit + kSlack; i++) {
    usleep(10'000);
    used = used_memory();
  }
  EXPECT_LE(used, limit + kSlack);
  EXPECT_GT(std::stoll(info_field(conn(), "memory", "lazyfreed_objects")), 0);
}

TEST_P(EvictionTest, ATimeLimitedPassIsFinishedByTheLoop) {
  // Tenacity 0 gives each pass no time: 16 keys, then a timer carries on between loop
  // iterations, and commands are not refused meanwhile.
  config("maxmemory-policy", "allkeys-lru");
  config("maxmemory-eviction-tenacity", "0");
  EXPECT_EQ(fill("k:", 0, 40000, 100), 0);
  const long long used = used_memory();
  const long long limit = used - (used - 1'000'000) / 2;
  config("maxmemory", std::to_string(limit));
  EXPECT_EQ(str(conn().cmd({"SET", "fresh", "v"})), "OK");
  // INFO's own reply is in the figure it reports: compare with a little slack.
  long long now = used_memory();
  for (int i = 0; i < 200 && now > limit + kSlack; i++) {
    usleep(10'000);
    now = used_memory();
  }
  EXPECT_LE(now, limit + kSlack) << "evicted " << stat("evicted_keys");
  EXPECT_GT(stat("evicted_keys"), 1000);
}

TEST_P(EvictionTest, SwitchingPoliciesAtRuntimeStaysSane) {
  config("maxmemory-policy", "allkeys-lru");
  EXPECT_EQ(fill("a:", 0, 3000), 0);
  const long long limit = limit_at_used_plus(512 * 1024);
  EXPECT_EQ(str(conn().cmd({"OBJECT", "FREQ", "a:1"})),
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that when switching between policies at runtime LRU and LFU data will take "
            "some time to adjust.");
  // LRU bits read as LFU: some value in range until the key is used again.
  config("maxmemory-policy", "allkeys-lfu");
  const long long freq = integer(conn().cmd({"OBJECT", "FREQ", "a:1"}));
  EXPECT_GE(freq, 0);
  EXPECT_LE(freq, 255);
  EXPECT_TRUE(is_error(conn().cmd({"OBJECT", "IDLETIME", "a:1"}), "ERR An LFU maxmemory policy"));
  for (std::string policy : {"allkeys-lfu", "allkeys-random", "volatile-ttl", "allkeys-lru"}) {
    SCOPED_TRACE(policy);
    config("maxmemory-policy", policy);
    const bool volatile_only = policy == "volatile-ttl";
    const int refused = fill(policy + ":", 0, 5000, 100, volatile_only ? 100 : 0);
    // Under volatile-ttl only this round's keys can go: when the keyspace table grows past
    // what they free, writes are refused (as in Redis); the other policies never refuse.
    if (!volatile_only) {
      EXPECT_EQ(refused, 0);
    }
    EXPECT_LE(used_memory(), limit + kSlack);
  }
  config("maxmemory-policy", "allkeys-lru");
  EXPECT_GE(integer(conn().cmd({"OBJECT", "IDLETIME", "allkeys-lru:4999"})), 0);
}

// The "evicted" keyspace notification (class e) and WATCH invalidation. They need the
// Pub/Sub and transaction families; where those are not built yet the test says so.
TEST_P(EvictionTest, EvictionNotifiesAndInvalidatesWatch) {
  Conn sub(port());
  auto r = sub.cmd({"SUBSCRIBE", "__keyevent@0__:evicted"});
  if (is_error(r, "ERR unknown command")) GTEST_SKIP() << "SUBSCRIBE not built yet";
  Conn watcher(port());
  auto w = watcher.cmd({"WATCH", "victim"});
  const bool have_watch = !is_error(w, "ERR unknown command");
  config("notify-keyspace-events", "Ee");
  config("maxmemory-policy", "allkeys-random");
  conn().cmd({"SET", "victim", "v"});
  if (have_watch) watcher.cmd({"MULTI"});
  config("maxmemory", "1");  // evicts the only key
  auto msg = sub.read_reply();
  ASSERT_TRUE(msg && msg->type == REDIS_REPLY_ARRAY && msg->elements == 3) << str(msg);
  EXPECT_EQ(std::string(msg->element[0]->str), "message");
  EXPECT_EQ(std::string(msg->element[1]->str), "__keyevent@0__:evicted");
  EXPECT_EQ(std::string(msg->element[2]->str), "victim");
  if (have_watch) {
    auto exec = watcher.cmd({"EXEC"});
    EXPECT_EQ(exec->type, REDIS_REPLY_NIL) << str(exec);
  }
}

// Over the limit inside MULTI, as Redis: queuing anything but EXEC/DISCARD/QUIT/RESET is
// refused (and fails the transaction), and EXEC is refused when it queued a deny-oom
// command, discarding the transaction. Needs the transaction family.
TEST_P(EvictionTest, MultiIsRefusedWhileOverTheLimit) {
  if (is_error(conn().cmd({"MULTI"}), "ERR unknown command")) GTEST_SKIP() << "MULTI not built yet";
  conn().cmd({"DISCARD"});
  Conn other(port());
  conn().cmd({"SET", "k", "v"});
  // Queued before the limit, run after: EXEC is judged by what it queued.
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v2"})), "QUEUED");
  EXPECT_EQ(str(other.cmd({"CONFIG", "SET", "maxmemory", "1"})), "OK");
  EXPECT_EQ(str(conn().cmd({"EXEC"})),
            "EXECABORT Transaction discarded because of: OOM command not allowed when used "
            "memory > 'maxmemory'.");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "v");
  // Queuing while over: refused, the transaction fails.
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), kOom);
  EXPECT_EQ(str(conn().cmd({"EXEC"})),
            "EXECABORT Transaction discarded because of previous errors.");
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"DISCARD"})), "OK");
  // A read-only transaction queued before the limit still runs.
  EXPECT_EQ(str(other.cmd({"CONFIG", "SET", "maxmemory", "0"})), "OK");
  EXPECT_EQ(str(conn().cmd({"MULTI"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "QUEUED");
  EXPECT_EQ(str(other.cmd({"CONFIG", "SET", "maxmemory", "1"})), "OK");
  auto r = conn().cmd({"EXEC"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY) << str(r);
  ASSERT_EQ(r->elements, 1u);
  EXPECT_EQ(std::string(r->element[0]->str), "v");
}

// Scripts over the limit, as Redis 7.0: a script with a shebang (or a function) without
// allow-oom / no-writes is refused before it runs; one without a shebang runs, and its
// first command that may grow memory fails unless it has written already. Replies are
// byte-compared in tests/compat/eviction.txt; here the statistics.
TEST_P(EvictionTest, ScriptsOverTheLimit) {
  conn().cmd({"SET", "tmp", "1"});
  config("maxmemory", "1");
  auto r = conn().cmd({"EVAL", "return redis.call('set','y','1')", "0"});
  EXPECT_TRUE(is_error(r, std::string(kOom) + " script: ")) << str(r);
  EXPECT_EQ(str(conn().cmd({"EVAL", "return redis.pcall('set','y','1')", "0"})), kOom);
  EXPECT_EQ(str(conn().cmd({"EVAL", "#!lua\nreturn 1", "0"})), kOom);
  EXPECT_EQ(integer(conn().cmd({"EVAL", "#!lua flags=no-writes\nreturn 1", "0"})), 1);
  EXPECT_EQ(
      str(conn().cmd({"EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','a','1')", "0"})),
      "OK");
  // Once it has written (a DEL), a script may go on: it is never stopped halfway.
  EXPECT_EQ(
      str(conn().cmd({"EVAL", "redis.call('del','tmp'); return redis.call('set','b','1')", "0"})),
      "OK");
  config("maxmemory", "0");
  EXPECT_EQ(info_field(conn(), "errorstats", "errorstat_OOM"), "count=3");
  EXPECT_NE(info_field(conn(), "commandstats", "cmdstat_set").find("rejected_calls=2,"),
            std::string::npos);
  EXPECT_NE(info_field(conn(), "commandstats", "cmdstat_eval").find("rejected_calls=1,"),
            std::string::npos);
}

RKV_INSTANTIATE_IO_MODES(EvictionTest);

}  // namespace
}  // namespace rkv::test
