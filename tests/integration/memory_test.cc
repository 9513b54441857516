// MEMORY family against the running server: USAGE for every type we hold, its SAMPLES
// parsing, STATS (redis-server 7.0's field names in its order, RESP2 and RESP3, and the
// same accounting as INFO memory), DOCTOR's reports, MALLOC-STATS, PURGE and HELP.
// Byte-for-byte replies that do not depend on memory figures are in tests/compat/memory.txt.
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

class MemoryTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--enable-debug-command", "yes"};
  }
  long long usage(const std::string& key) {
    auto r = conn().cmd({"MEMORY", "USAGE", key});
    EXPECT_EQ(r->type, REDIS_REPLY_INTEGER) << str(r);
    return integer(r);
  }
  // MEMORY STATS as (name, reply) pairs, from the RESP2 flat array.
  std::vector<std::pair<std::string, ReplyPtr>> stats() {
    auto r = conn().cmd({"MEMORY", "STATS"});
    std::vector<std::pair<std::string, ReplyPtr>> out;
    EXPECT_EQ(r->type, REDIS_REPLY_ARRAY);
    if (r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
      // The value changes owner (hiredis skips null elements when freeing the array).
      redisReply* v = r->element[i + 1];
      r->element[i + 1] = nullptr;
      out.emplace_back(std::string(r->element[i]->str, r->element[i]->len), ReplyPtr(v));
    }
    return out;
  }
  static std::vector<std::string> names(
      const std::vector<std::pair<std::string, ReplyPtr>>& fields) {
    std::vector<std::string> out;
    for (auto& [name, v] : fields) out.push_back(name);
    return out;
  }
  static long long field(const std::vector<std::pair<std::string, ReplyPtr>>& fields,
                         const std::string& name) {
    for (auto& [n, v] : fields)
      if (n == name) return v->type == REDIS_REPLY_INTEGER ? v->integer : -1;
    ADD_FAILURE() << "no field " << name;
    return -1;
  }
};

// redis-server 7.0.15's MEMORY STATS fields, in its order (db.<n> entries sit after
// functions.caches, one per database holding keys).
const std::vector<std::string> kStatsHead = {
    "peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
    "clients.slaves", "clients.normal",  "cluster.links",     "aof.buffer",
    "lua.caches",     "functions.caches"};
const std::vector<std::string> kStatsTail = {"overhead.total",
                                             "keys.count",
                                             "keys.bytes-per-key",
                                             "dataset.bytes",
                                             "dataset.percentage",
                                             "peak.percentage",
                                             "allocator.allocated",
                                             "allocator.active",
                                             "allocator.resident",
                                             "allocator-fragmentation.ratio",
                                             "allocator-fragmentation.bytes",
                                             "allocator-rss.ratio",
                                             "allocator-rss.bytes",
                                             "rss-overhead.ratio",
                                             "rss-overhead.bytes",
                                             "fragmentation",
                                             "fragmentation.bytes"};

TEST_P(MemoryTest, UsageGrowsWithTheValue) {
  conn().cmd({"SET", "small", std::string(10, 'x')});
  conn().cmd({"SET", "big", std::string(1000, 'x')});
  conn().cmd({"SET", "huge", std::string(100000, 'x')});
  conn().cmd({"SET", "int", "12345"});
  long long small = usage("small"), big = usage("big"), huge = usage("huge");
  long long n = usage("int");
  EXPECT_GT(small, 10 + 5);  // at least value and key bytes
  EXPECT_LT(small, 100);     // one allocation and a slot share
  EXPECT_GE(big - small, 990);
  EXPECT_LT(big - small, 1300);  // allocator size classes round up, not more
  EXPECT_GE(huge - big, 99000);
  EXPECT_LT(huge - big, 120000);
  EXPECT_GT(n, 0);
  EXPECT_LT(n, small + 8);  // an integer is stored as 8 bytes
  // A longer key costs more.
  conn().cmd({"SET", std::string(200, 'k'), std::string(10, 'x')});
  EXPECT_GE(usage(std::string(200, 'k')) - small, 150);
}

TEST_P(MemoryTest, UsageOfSets) {
  conn().cmd({"SADD", "ints", "1", "2", "3"});
  conn().cmd({"SADD", "strs", "a", "b", "c"});
  long long ints = usage("ints"), strs = usage("strs");
  EXPECT_GT(ints, 0);
  EXPECT_GT(strs, 0);
  std::vector<std::string> args = {"SADD", "ints"};
  for (int i = 0; i < 1000; i++) args.push_back(std::to_string(i * 7919));
  conn().cmd(args);
  args = {"SADD", "strs"};
  for (int i = 0; i < 1000; i++) args.push_back("member:" + std::to_string(i));
  conn().cmd(args);
  // 1000 more members cost at least their bytes: 8-byte integers, or the strings.
  EXPECT_GT(usage("ints") - ints, 1000 * 4);
  EXPECT_GT(usage("strs") - strs, 1000 * 10);
}

TEST_P(MemoryTest, UsageOfAMissingKeyIsNull) {
  auto r = conn().cmd({"MEMORY", "USAGE", "nosuch"});
  EXPECT_EQ(r->type, REDIS_REPLY_NIL);
  EXPECT_EQ(conn().raw_cmd({"MEMORY", "USAGE", "nosuch", "SAMPLES", "0"}), "$-1\r\n");
  conn().raw_cmd({"HELLO", "3"});
  EXPECT_EQ(conn().raw_cmd({"MEMORY", "USAGE", "nosuch"}), "_\r\n");
}

// Redis looks the key up in the table directly: an expired key not yet removed is still
// measured, and no keyspace hit or miss is counted.
TEST_P(MemoryTest, UsageIsAPlainTableLookup) {
  conn().cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "0"});
  conn().cmd({"SET", "e", "v", "PX", "1"});
  usleep(20000);
  EXPECT_GT(usage("e"), 0);
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), 1);
  EXPECT_EQ(conn().cmd({"MEMORY", "USAGE", "nosuch"})->type, REDIS_REPLY_NIL);
  EXPECT_EQ(info_field(conn(), "stats", "keyspace_hits"), "0");
  EXPECT_EQ(info_field(conn(), "stats", "keyspace_misses"), "0");
  EXPECT_EQ(conn().cmd({"GET", "e"})->type, REDIS_REPLY_NIL);
  EXPECT_EQ(conn().cmd({"MEMORY", "USAGE", "e"})->type, REDIS_REPLY_NIL);
}

TEST_P(MemoryTest, UsageSamplesParsing) {
  conn().cmd({"SET", "k", "v"});
  long long plain = usage("k");
  for (auto samples : {"0", "1", "5", "9223372036854775807"})
    EXPECT_EQ(integer(conn().cmd({"MEMORY", "USAGE", "k", "SAMPLES", samples})), plain) << samples;
  EXPECT_EQ(integer(conn().cmd({"MEMORY", "USAGE", "k", "samples", "5", "SAMPLES", "3"})), plain);
  const std::string syntax = "ERR syntax error";
  const std::string not_int = "ERR value is not an integer or out of range";
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "k", "SAMPLES", "-1"})), syntax);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "k", "SAMPLES", "-9223372036854775808"})), syntax);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "k", "SAMPLES", "abc"})), not_int);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "k", "SAMPLES", "1.5"})), not_int);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "k", "SAMPLES", "99999999999999999999"})), not_int);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "k", "SAMPLES"})), syntax);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "k", "SAMPLES", "1", "extra"})), syntax);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "k", "foo", "1"})), syntax);
  // Options are checked before the key is looked up.
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "nosuch", "SAMPLES", "abc"})), not_int);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE", "nosuch", "foo"})), syntax);
  EXPECT_EQ(str(conn().cmd({"MEMORY", "USAGE"})),
            "ERR wrong number of arguments for 'memory|usage' command");
}

TEST_P(MemoryTest, StatsFieldsAreRedisFields) {
  if (!allocator_reports_memory(conn()))
    GTEST_SKIP() << "the allocator reports no memory figures (sanitizer build)";
  auto empty = stats();
  std::vector<std::string> want = kStatsHead;
  want.insert(want.end(), kStatsTail.begin(), kStatsTail.end());
  EXPECT_EQ(names(empty), want);
  EXPECT_EQ(field(empty, "keys.count"), 0);
  EXPECT_EQ(field(empty, "keys.bytes-per-key"), 0);

  conn().cmd({"SET", "a", "1"});
  conn().cmd({"SELECT", "3"});
  conn().cmd({"SET", "b", "2"});
  conn().cmd({"EXPIRE", "b", "100"});
  auto two = stats();
  want = kStatsHead;
  want.push_back("db.0");
  want.push_back("db.3");
  want.insert(want.end(), kStatsTail.begin(), kStatsTail.end());
  ASSERT_EQ(names(two), want);
  EXPECT_EQ(field(two, "keys.count"), 2);
  for (const char* db : {"db.0", "db.3"}) {
    for (auto& [n, v] : two) {
      if (n != db) continue;
      ASSERT_EQ(v->type, REDIS_REPLY_ARRAY);
      ASSERT_EQ(v->elements, 6u);
      EXPECT_EQ(std::string(v->element[0]->str), "overhead.hashtable.main");
      EXPECT_GT(v->element[1]->integer, 0);
      EXPECT_EQ(std::string(v->element[2]->str), "overhead.hashtable.expires");
      EXPECT_EQ(v->element[3]->integer > 0, std::string(db) == "db.3");  // only b has a TTL
      EXPECT_EQ(std::string(v->element[4]->str), "overhead.hashtable.slot-to-keys");
      EXPECT_EQ(v->element[5]->integer, 0);
    }
  }
  // The accounting adds up, and the ratios are doubles (bulk strings in RESP2).
  long long total = field(two, "total.allocated"), overhead = field(two, "overhead.total");
  EXPECT_EQ(field(two, "dataset.bytes"), std::max(0ll, total - overhead));
  EXPECT_GE(field(two, "peak.allocated"), total);
  EXPECT_GT(field(two, "startup.allocated"), 0);
  EXPECT_GE(overhead, field(two, "startup.allocated") + field(two, "clients.normal"));
  EXPECT_EQ(field(two, "keys.bytes-per-key"), (total - field(two, "startup.allocated")) / 2);
  for (const char* zero : {"replication.backlog", "clients.slaves", "cluster.links", "aof.buffer",
                           "lua.caches", "functions.caches"})
    EXPECT_EQ(field(two, zero), 0) << zero;
  for (auto& [n, v] : two)
    if (n.find("ratio") != std::string::npos || n.find("percentage") != std::string::npos ||
        n == "fragmentation") {
      ASSERT_EQ(v->type, REDIS_REPLY_STRING) << n;
      EXPECT_GE(std::stod(v->str), n == "dataset.percentage" ? 0 : 0.01) << n;
    }
  // INFO memory reports the same startup figure.
  EXPECT_EQ(info_field(conn(), "memory", "used_memory_startup"),
            std::to_string(field(two, "startup.allocated")));
}

TEST_P(MemoryTest, StatsIsAMapInResp3) {
  conn().cmd({"SET", "a", "1"});
  conn().raw_cmd({"HELLO", "3"});
  std::string raw = conn().raw_cmd({"MEMORY", "STATS"});
  EXPECT_EQ(raw.substr(0, 5), "%28\r\n");
  EXPECT_NE(raw.find("$4\r\ndb.0\r\n%3\r\n$23\r\noverhead.hashtable.main\r\n:"), std::string::npos);
  EXPECT_NE(raw.find("$13\r\nfragmentation\r\n,"), std::string::npos);
  EXPECT_NE(raw.find("$18\r\ndataset.percentage\r\n,"), std::string::npos);
}

TEST_P(MemoryTest, DoctorReports) {
  if (!allocator_reports_memory(conn()))
    GTEST_SKIP() << "the allocator reports no memory figures (sanitizer build)";
  const std::string empty =
      "Hi Sam, this instance is empty or is using very little memory, my issues detector can't "
      "be used in these conditions. Please, leave for your mission on Earth and fill it with "
      "some data. The new Sam and I will be back to our programming as soon as I finished "
      "rebooting.\n";
  EXPECT_EQ(str(conn().cmd({"MEMORY", "DOCTOR"})), empty);
  // Past 5 MB the detectors run: after a big value comes and goes, the peak is reported.
  conn().cmd({"SET", "keep", std::string(6 << 20, 'k')});
  std::string report = str(conn().cmd({"MEMORY", "DOCTOR"}));
  const std::string fine =
      "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
      "occurs on this base.\n";
  const std::string header =
      "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
  const std::string footer = "I'm here to keep you safe, Sam. I want to help you.\n";
  if (report != fine) {
    EXPECT_EQ(report.substr(0, header.size()), header) << report;
    EXPECT_EQ(report.substr(report.size() - footer.size()), footer) << report;
  }
  conn().cmd({"SET", "peak", std::string(30 << 20, 'p')});
  conn().cmd({"INFO", "memory"});  // records the peak (otherwise the cron does, every 0.8 s)
  conn().cmd({"DEL", "peak"});
  report = str(conn().cmd({"MEMORY", "DOCTOR"}));
  EXPECT_EQ(report.substr(0, header.size()), header) << report;
  EXPECT_NE(report.find("\n\n * Peak memory: In the past this instance used more than 150% the "
                        "memory that is currently using."),
            std::string::npos)
      << report;
  EXPECT_EQ(report.substr(report.size() - footer.size()), footer);
  // A verbatim string in RESP3, as in Redis.
  conn().raw_cmd({"HELLO", "3"});
  EXPECT_EQ(conn().raw_cmd({"MEMORY", "DOCTOR"}).substr(0, 1), "=");
}

TEST_P(MemoryTest, MallocStatsPurgeHelp) {
  std::string allocator = info_field(conn(), "memory", "mem_allocator");
  std::string text = str(conn().cmd({"MEMORY", "MALLOC-STATS"}));
  if (allocator.rfind("jemalloc", 0) == 0) {
    EXPECT_EQ(text.rfind("___ Begin jemalloc statistics ___\n", 0), 0u) << text.substr(0, 100);
    EXPECT_NE(text.find("--- End jemalloc statistics ---"), std::string::npos);
  } else {
    EXPECT_EQ(text, "Stats not supported for the current allocator");
  }
  EXPECT_EQ(conn().raw_cmd({"MEMORY", "PURGE"}), "+OK\r\n");
  auto help = conn().cmd({"MEMORY", "HELP"});
  ASSERT_EQ(help->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(help->elements, 14u);
  EXPECT_EQ(std::string(help->element[0]->str),
            "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(std::string(help->element[9]->str), "USAGE <key> [SAMPLES <count>]");
  EXPECT_EQ(str(conn().cmd({"MEMORY", "NOSUCH"})),
            "ERR unknown subcommand 'NOSUCH'. Try MEMORY HELP.");
  EXPECT_EQ(str(conn().cmd({"MEMORY", "PURGE", "x"})),
            "ERR wrong number of arguments for 'memory|purge' command");
  conn().raw_cmd({"HELLO", "3"});
  std::string raw = conn().raw_cmd({"MEMORY", "MALLOC-STATS"});
  EXPECT_EQ(raw.substr(0, 1), allocator.rfind("jemalloc", 0) == 0 ? "=" : "$");
}

RKV_INSTANTIATE_IO_MODES(MemoryTest);

}  // namespace
}  // namespace rkv::test
